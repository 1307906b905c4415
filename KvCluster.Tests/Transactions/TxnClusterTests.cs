using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using KvCluster.Tests.Infrastructure;
using KvCluster.Tests.Integration;
using KvCluster.Tests.Linearizability;
using KvCluster.Tests.ServiceDefaults;
using Xunit.Abstractions;
using static KvCluster.Tests.Integration.KvHttp;

namespace KvCluster.Tests.Transactions;

/// <summary>
/// Transactions on a real 3-node cluster, shared by these tests (each uses keys of its own): one log entry decided at
/// apply, the same on every node; concurrent compare-and-swaps; transfers whose history is checked for linearizability;
/// retries; limits.
/// </summary>
[Collection(PrimitivesCollection.Name)]
public sealed class TxnClusterTests(PrimitivesCluster shared, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private const string SeqHeader = "X-Kv-Seq";

    private static async Task<(HttpStatusCode Status, JsonElement Body, long? Seq)> TxnAsync(HttpClient node, string json, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/txn") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await node.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        long? seq = response.Headers.TryGetValues(SeqHeader, out var values) ? long.Parse(values.Single(), CultureInfo.InvariantCulture) : null;
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), seq);
    }

    [Fact]
    public async Task A_transaction_through_node_1_is_seen_on_node_2_and_node_3_at_the_same_seq()
    {
        var cluster = shared.For(output);
        using var seed = await PutAsync(cluster.NodeClients[0], "repl/a", "1");
        long seedSeq = Seq(seed);

        var txn = await TxnAsync(cluster.NodeClients[0], $$"""
            {"compare":[{"key":"repl/a","version":{{seedSeq}}},{"key":"repl/b","exists":false}],
             "success":[{"op":"put","key":"repl/a","value":"2","contentType":"text/plain"},{"op":"put","key":"repl/b","value":"new","contentType":"text/plain"}]}
            """).WaitAsync(Bound);

        Assert.Equal(HttpStatusCode.OK, txn.Status);
        Assert.True(txn.Body.GetProperty("succeeded").GetBoolean());
        long seq = txn.Body.GetProperty("seq").GetInt64();
        Assert.Equal(seq, txn.Seq);
        Assert.True(seq > seedSeq);
        foreach (var node in cluster.NodeClients.Skip(1))
        {
            foreach (var (key, value) in new[] { ("repl/a", "2"), ("repl/b", "new") })
            {
                using var get = await GetAsync(node, key, "session", seq);
                Assert.Equal(HttpStatusCode.OK, get.StatusCode);
                Assert.Equal(value, await get.Content.ReadAsStringAsync());
                Assert.Equal(seq, ETagVersion(get));
            }
        }
    }

    [Fact]
    public async Task Concurrent_conflicting_compare_and_swaps_from_every_node_let_exactly_one_win_a_round_and_lose_no_increment()
    {
        var cluster = shared.For(output);
        var clients = Enumerable.Range(0, 6).Select(i => cluster.NodeClients[i % cluster.NodeClients.Count]).ToArray();
        using (var seed = await PutAsync(clients[0], "cas/counter", "0")) Assert.True(seed.IsSuccessStatusCode);

        // Rounds: every client reads the counter, then all try to move it on from what they read at once.
        const int rounds = 8;
        int successes = 0;
        for (int round = 0; round < rounds; round++)
        {
            var read = await CounterAsync(clients[0]);
            var attempts = await Task.WhenAll(clients.Select((client, i) => CasIncrementAsync(client, read, $"client-{i}"))).WaitAsync(Bound);
            Assert.True(attempts.Count(won => won) == 1, $"round {round}: {attempts.Count(won => won)} of {clients.Length} won");
            successes += 1;
        }
        Assert.Equal(rounds, (await CounterAsync(clients[1])).Value);

        // Free for all: each client increments by read + compare-and-swap, retrying a lost race, with no coordination.
        int[] won = new int[clients.Length];
        await Task.WhenAll(clients.Select((client, i) => Task.Run(async () =>
        {
            for (int attempt = 0; attempt < 12; attempt++)
            {
                if (await CasIncrementAsync(client, await CounterAsync(client), $"client-{i}")) won[i]++;
            }
        }))).WaitAsync(Bound);
        successes += won.Sum();

        Assert.True(won.Sum() >= 12, $"only {won.Sum()} increments succeeded");
        foreach (var node in cluster.NodeClients)
        {
            Assert.Equal(successes, (await CounterAsync(node)).Value);
        }
        await AssertReplicasIdenticalAsync(cluster);
    }

    [Fact]
    public async Task Transfers_between_two_keys_from_every_node_keep_the_total_in_every_read_and_the_history_is_linearizable_across_a_node_pause()
    {
        var cluster = shared.For(output);
        string a = "bank/" + Guid.NewGuid().ToString("N")[..6] + "/a", b = a[..^1] + "b";
        using (var seedA = await PutAsync(cluster.NodeClients[0], a, "100")) Assert.True(seedA.IsSuccessStatusCode);
        using (var seedB = await PutAsync(cluster.NodeClients[1], b, "100")) Assert.True(seedB.IsSuccessStatusCode);

        var clock = Stopwatch.StartNew();
        long Now() => (long)clock.Elapsed.TotalMicroseconds;
        var history = new ConcurrentBag<Operation<TransferInput, TransferOutput>>();
        var sums = new ConcurrentBag<int>();

        async Task<TransferOutput?> RunAsync(int client, HttpClient node, TransferInput input)
        {
            string json = input.IsRead
                ? $$"""{"success":[{"op":"get","key":"{{a}}"},{"op":"get","key":"{{b}}"}]}"""
                : $$"""{"compare":[{"key":"{{a}}","value":"{{input.ExpectA}}"},{"key":"{{b}}","value":"{{input.ExpectB}}"}],"success":[{"op":"put","key":"{{a}}","value":"{{input.NewA}}"},{"op":"put","key":"{{b}}","value":"{{input.NewB}}"}]}""";
            long call = Now();
            try
            {
                var answer = await TxnAsync(node, json).WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Equal(HttpStatusCode.OK, answer.Status);
                var results = answer.Body.GetProperty("results");
                var result = input.IsRead
                    ? new TransferOutput(true, int.Parse(results[0].GetProperty("value").GetString()!, CultureInfo.InvariantCulture), int.Parse(results[1].GetProperty("value").GetString()!, CultureInfo.InvariantCulture))
                    : new TransferOutput(answer.Body.GetProperty("succeeded").GetBoolean());
                history.Add(new(client, input, call, result, Now()));
                return result;
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException)
            {
                history.Add(Operation<TransferInput, TransferOutput>.Unknown(client, input, call));
                return null;
            }
        }

        // Node-3 is paused (SIGSTOP) for a second while the clients run: its clients' transactions wait for it, the
        // others' go on through node-1 and node-2.
        var paused = cluster.Nodes[2];
        var nemesis = Task.Run(async () =>
        {
            await Task.Delay(300);
            paused.Pause();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            finally
            {
                paused.Resume();
            }
        });
        await Task.WhenAll(Enumerable.Range(0, 6).Select(client => Task.Run(async () =>
        {
            var node = cluster.NodeClients[client % cluster.NodeClients.Count];
            var random = new Random(client);
            for (int i = 0; i < 12 || clock.Elapsed < TimeSpan.FromSeconds(2.5); i++)
            {
                if (await RunAsync(client, node, new TransferInput(IsRead: true)) is not { } read) continue;
                sums.Add(read.A + read.B);
                if (random.Next(3) == 0) continue;
                int amount = random.Next(1, 10) * (random.Next(2) == 0 ? 1 : -1);
                await RunAsync(client, node, new TransferInput(false, read.A, read.B, read.A - amount, read.B + amount));
            }
        })).Append(nemesis)).WaitAsync(Bound);

        Assert.All(sums, sum => Assert.Equal(200, sum));
        var operations = history.OrderBy(op => op.Call).ToList();
        // The pause overlapped the workload: some transaction through node-3 waited for it.
        Assert.Contains(operations, op => !op.IsUnknown && op.Return - op.Call > 500_000);
        Assert.True(operations.Count(op => op.Input.IsRead is false && op.Output?.Succeeded == true) >= 5, "too few transfers succeeded to mean much");
        var verdict = LinearizabilityChecker.Check(new TransferModel(new Accounts(100, 100)), operations, TimeSpan.FromSeconds(10));
        output.WriteLine($"{operations.Count} operations, {operations.Count(op => op.IsUnknown)} unknown: {verdict.Describe()}");
        Assert.True(verdict.Verdict == Verdict.Linearizable, verdict.Describe());
        await AssertReplicasIdenticalAsync(cluster);
    }

    [Fact]
    public async Task A_retry_with_the_same_Idempotency_Key_on_another_node_answers_the_same_seq_and_applies_once()
    {
        var cluster = shared.For(output);
        string key = "idem/" + Guid.NewGuid().ToString("N")[..8];
        string json = $$"""{"compare":[{"key":"{{key}}","exists":false}],"success":[{"op":"put","key":"{{key}}","value":"first"}],"failure":[{"op":"get","key":"{{key}}"}]}""";

        var first = await TxnAsync(cluster.NodeClients[0], json, idempotencyKey: key).WaitAsync(Bound);
        var retry = await TxnAsync(cluster.NodeClients[1], json, idempotencyKey: key).WaitAsync(Bound);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.Status, retry.Status));
        long seq = first.Body.GetProperty("seq").GetInt64();
        Assert.True(first.Body.GetProperty("succeeded").GetBoolean());
        Assert.False(first.Body.TryGetProperty("replayed", out _));
        // Had the retry been applied again, its compare would have failed: it answers the first attempt's outcome.
        Assert.True(retry.Body.GetProperty("succeeded").GetBoolean());
        Assert.Equal((seq, seq), (retry.Body.GetProperty("seq").GetInt64(), retry.Seq));
        Assert.True(retry.Body.GetProperty("replayed").GetBoolean());
        Assert.Equal($$"""{"op":"put","key":"{{key}}","version":{{seq}}}""", retry.Body.GetProperty("results")[0].GetRawText());

        using var get = await GetAsync(cluster.NodeClients[2], key);
        Assert.Equal(("first", seq), (await get.Content.ReadAsStringAsync(), ETagVersion(get)));
    }

    [Fact]
    public async Task Over_Kv_Txn_MaxOperations_is_400_and_over_Kv_Txn_MaxBytes_is_413_and_nothing_is_applied()
    {
        var cluster = shared.For(output);
        var node = cluster.NodeClients[2];
        string gets = string.Join(",", Enumerable.Range(0, 129).Select(i => $$"""{"op":"get","key":"limits/{{i}}"}"""));
        var tooMany = await TxnAsync(node, $$"""{"success":[{{gets}}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.Status);
        Assert.Contains("limit is 128", tooMany.Body.GetProperty("detail").GetString());

        // Two values of 600 KiB: each within Kv:MaxValueBytes, together over the 1 MiB a transaction may take.
        string big = new('v', 600 * 1024);
        var tooLarge = await TxnAsync(node,
            $$"""{"success":[{"op":"put","key":"limits/x","value":"{{big}}"},{"op":"put","key":"limits/y","value":"{{big}}"}]}""");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.Status);
        Assert.Contains("Kv:Txn:MaxBytes", tooLarge.Body.GetProperty("detail").GetString());

        // A body declared over the route's limit (twice that and 64 KiB) is refused before any of it is read: the answer
        // comes though not one byte of the body was sent. (Sent whole, the server's early answer can reset the upload.)
        string hugeBody = await RawHttp.SendAsync(node.BaseAddress!,
            $"POST /v1/txn HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {3 * 1024 * 1024}\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 413", hugeBody);
        Assert.Contains("application/problem+json", hugeBody);

        foreach (string key in new[] { "limits/x", "limits/y" })
        {
            using var get = await GetAsync(node, key);
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }
    }

    private static async Task<(long Version, int Value)> CounterAsync(HttpClient node)
    {
        using var get = await GetAsync(node, "cas/counter");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        return (ETagVersion(get), int.Parse(await get.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture));
    }

    // Moves the counter from what was read to one more, if nobody moved it since; true when this one won.
    private static async Task<bool> CasIncrementAsync(HttpClient node, (long Version, int Value) read, string who)
    {
        var txn = await TxnAsync(node, $$"""
            {"compare":[{"key":"cas/counter","version":{{read.Version}}}],
             "success":[{"op":"put","key":"cas/counter","value":"{{read.Value + 1}}"},{"op":"put","key":"cas/last","value":"{{who}}"}],
             "failure":[{"op":"get","key":"cas/counter"}]}
            """);
        Assert.Equal(HttpStatusCode.OK, txn.Status);
        bool won = txn.Body.GetProperty("succeeded").GetBoolean();
        if (!won)
        {
            // The loser is told what beat it: the counter at a later version than it read.
            var current = txn.Body.GetProperty("results")[0];
            Assert.True(current.GetProperty("version").GetInt64() > read.Version);
        }
        return won;
    }

    private static async Task AssertReplicasIdenticalAsync(TestCluster cluster)
    {
        long head = await HeadAsync(cluster.NodeClients[0]);
        NodeView[] views = [];
        await Eventually.TrueAsync(async () =>
        {
            views = await Task.WhenAll(cluster.NodeClients.Select(NodeAsync));
            return views.All(v => v.Applied >= head) && views.Select(v => v.Applied).Distinct().Count() == 1;
        }, TimeSpan.FromSeconds(10), () => $"applied: {string.Join(", ", views.Select(v => $"{v.Id}={v.Applied}"))}, head {head}");
        Assert.Single(views.Select(v => v.Digest).Distinct());
    }
}
