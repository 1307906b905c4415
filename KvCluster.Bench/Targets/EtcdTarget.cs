using System.Net;
using System.Net.Http.Headers;
using System.Text;
using KvCluster.Bench.Workload;

namespace KvCluster.Bench.Targets;

/// <summary>
/// etcd v3 through its HTTP/JSON gateway (grpc-gateway, served on the client port): POST /v3/kv/put and
/// /v3/kv/range with base64 keys and values. Range is linearizable unless "serializable": true (a member's
/// local state). Connection i talks to member i % N.
/// </summary>
public sealed class EtcdTarget : IBenchTarget
{
    private static readonly byte[] KvsField = "\"kvs\""u8.ToArray();

    private readonly HttpClient[] _members;
    private readonly byte[][] _rangeBodies;
    private readonly byte[][] _putPrefixes;
    private readonly byte[] _putSuffix;
    private readonly ResponseBuffer[] _buffers;

    public EtcdTarget(IReadOnlyList<Uri> members, KeySpace keys, int connections, ReadConsistency consistency)
    {
        ArgumentOutOfRangeException.ThrowIfZero(members.Count);
        if (consistency == ReadConsistency.Session)
            throw new ArgumentException("etcd has no session reads: use linearizable or local (serializable).", nameof(consistency));

        _members = [.. members.Select((url, i) => LoopbackHttp.CreateClient(url, LoopbackHttp.ConnectionsFor(i, members.Count, connections)))];
        string serializable = consistency == ReadConsistency.Local ? ",\"serializable\":true" : "";
        var encodedKeys = keys.Keys.Select(key => Convert.ToBase64String(Encoding.UTF8.GetBytes(key))).ToArray();
        _rangeBodies = [.. encodedKeys.Select(key => Encoding.ASCII.GetBytes($"{{\"key\":\"{key}\"{serializable}}}"))];
        _putPrefixes = [.. encodedKeys.Select(key => Encoding.ASCII.GetBytes($"{{\"key\":\"{key}\",\"value\":\""))];
        _putSuffix = Encoding.ASCII.GetBytes(Convert.ToBase64String(keys.Value.Span) + "\"}");
        _buffers = [.. Enumerable.Range(0, connections).Select(_ => new ResponseBuffer())];
    }

    public string Name => "etcd";

    public async Task<OperationResult> ReadAsync(int connection, int key, CancellationToken cancellationToken)
    {
        var (status, length) = await PostAsync(connection, "v3/kv/range", new SegmentedContent(_rangeBodies[key]), cancellationToken)
            .ConfigureAwait(false);
        if (status != HttpStatusCode.OK) return OperationResult.HttpStatus((int)status);
        // A range that found nothing answers 200 without "kvs": that is a miss, not a read of the value.
        return _buffers[connection].Bytes.AsSpan(0, length).IndexOf(KvsField) >= 0 ? OperationResult.Ok : OperationResult.Failed("key missing");
    }

    public async Task<OperationResult> WriteAsync(int connection, int key, CancellationToken cancellationToken)
    {
        var (status, _) = await PostAsync(connection, "v3/kv/put", new SegmentedContent(_putPrefixes[key], _putSuffix), cancellationToken)
            .ConfigureAwait(false);
        return status == HttpStatusCode.OK ? OperationResult.Ok : OperationResult.HttpStatus((int)status);
    }

    private async Task<(HttpStatusCode Status, int Length)> PostAsync(int connection, string path, HttpContent content, CancellationToken cancellationToken)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        using var response = await _members[connection % _members.Length]
            .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        int length = await LoopbackHttp.ReadBodyAsync(response, _buffers[connection], cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, length);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var member in _members) member.Dispose();
        return ValueTask.CompletedTask;
    }
}
