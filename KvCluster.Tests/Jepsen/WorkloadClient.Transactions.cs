using System.Net;
using System.Text;
using System.Text.Json;
using KvCluster.Tests.Linearizability;

namespace KvCluster.Tests.Jepsen;

internal sealed partial class WorkloadClient
{
    /// <summary>
    /// A transaction over the pair k{2p}, k{2p+1}: if the first key is at the version this client last saw (or the second
    /// is present or absent), write both (or write the first and delete the second), else read both. Retried with its
    /// Idempotency-Key like any write.
    /// </summary>
    private Task<RecordedOperation> TxnAsync(int index, int node)
    {
        int pair = random.Next(Math.Max(1, options.Keys / 2));
        string first = KvPairModel.KeyOf(pair, 0), second = KvPairModel.KeyOf(pair, 1);
        int n = ++_written;
        TxnCompare compare = random.NextDouble() < 0.7
            ? new TxnCompare(first, TxnCompareKind.Version, Version: _lastVersion.TryGetValue(first, out long seen) ? seen : 0)
            : new TxnCompare(second, TxnCompareKind.Exists, Exists: random.NextDouble() < 0.5);
        TxnStep[] success = random.NextDouble() < 0.75
            ? [new(KvOperation.Put, first, $"t{id}-{n}a"), new(KvOperation.Put, second, $"t{id}-{n}b")]
            : [new(KvOperation.Put, first, $"t{id}-{n}a"), new(KvOperation.Delete, second)];
        TxnStep[] failure = [new(KvOperation.Get, first), new(KvOperation.Get, second)];
        return WriteAsync(new RecordedOperation
        {
            Index = index, Client = id, Node = node, Kind = OperationKind.Txn, Key = first, Txn = new TxnInput([compare], success, failure),
            IdempotencyKey = $"t{options.Seed}-c{id}-{n}", Call = Now,
        });
    }

    /// <summary>One attempt of a transaction; true when its outcome is known.</summary>
    private async Task<bool> TryTxnAsync(RecordedOperation operation, HttpClient node)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/txn")
        {
            Content = new StringContent(TxnWire.Body(operation.Txn!), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", operation.IdempotencyKey);
        try
        {
            using var response = await node.SendAsync(request).ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            long now = Now;
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    var answer = TxnWire.Answer(body);
                    operation.TxnResult = answer;
                    operation.Outcome = answer.Succeeded ? OperationOutcome.Ok : OperationOutcome.PreconditionFailed;
                    operation.Seq = answer.Seq;
                    operation.Version = answer.Seq;
                    operation.Return = now;
                    Remember(operation.Txn!, answer);
                    _sessionSeq = Math.Max(_sessionSeq, answer.Seq);
                    return true;
                default:
                    return NotAnOutcome(operation, response.StatusCode, body);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            operation.Error = e.GetType().Name + ": " + e.Message;
            return false;
        }
    }

    // The versions the answer shows, so the next compares often hold.
    private void Remember(TxnInput txn, TxnOutput answer)
    {
        var branch = answer.Succeeded ? txn.Success : txn.Failure;
        for (int i = 0; i < branch.Count; i++)
        {
            if (branch[i].Operation == KvOperation.Put) _lastVersion[branch[i].Key] = answer.Seq;
            else if (!answer.Replayed && i < answer.Results.Count && answer.Results[i].Found) _lastVersion[branch[i].Key] = answer.Results[i].Version;
            else if (branch[i].Operation == KvOperation.Delete) _lastVersion.Remove(branch[i].Key);
        }
    }
}
