using System.Text;
using KvCluster.Log.Entries;
using KvCluster.Log.Redis;
using KvCluster.Tests.Infrastructure;
using StackExchange.Redis;

namespace KvCluster.Tests.Log;

/// <summary>The sequencer script against a real redis-server: dense order, retries recognised, a chain nodes can verify.</summary>
public sealed class SequencerScriptTests : IAsyncLifetime
{
    private RedisTestServer _server = null!;
    private ConnectionMultiplexer _connection = null!;
    private IDatabase _redis = null!;
    private readonly LogKeys _keys = new();

    public async Task InitializeAsync()
    {
        _server = await RedisTestServer.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString + ",allowAdmin=true");
        _redis = _connection.GetDatabase();
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _server.DisposeAsync();
    }

    private ScriptCalls Sequencer() => new(new SequencerScript(_redis, _keys, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)));

    // One request per call, as most tests need; AppendRequestsAsync for several.
    private sealed class ScriptCalls(SequencerScript script)
    {
        public Task<AppendOutcome[]> AppendAsync(IReadOnlyList<AppendCommand> commands) => script.AppendRequestsAsync([commands]);

        public Task<AppendOutcome[]> AppendRequestsAsync(IReadOnlyList<IReadOnlyList<AppendCommand>> requests) => script.AppendRequestsAsync(requests);
    }

    private static AppendCommand Put(string key, string value, string requestId, string idempotencyKey = "",
        Precondition? precondition = null) => new()
    {
        Operation = LogOperation.Put,
        Key = key,
        Value = Encoding.UTF8.GetBytes(value),
        ContentType = "text/plain",
        Precondition = precondition ?? Precondition.None,
        IdempotencyKey = idempotencyKey,
        RequestId = requestId,
        TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        OriginNode = "node-1",
    };

    private async Task<List<LogEntry>> ReadLogAsync() => StreamEntryDecoder.Decode(await _redis.StreamRangeAsync(_keys.Log));

    // A chain link from its description: SHA-1 of the length-prefixed fields, as lowercase hex.
    private static string ChainLink(string previous, long seq, byte[] covered, string sequencedAt)
    {
        string seqText = seq.ToString(System.Globalization.CultureInfo.InvariantCulture);
        byte[] hashed = [.. Encoding.ASCII.GetBytes($"{previous.Length}:{previous}{seqText.Length}:{seqText}{covered.Length}:"), .. covered,
                         .. Encoding.ASCII.GetBytes($"{sequencedAt.Length}:{sequencedAt}")];
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(hashed));
    }

    [Fact]
    public async Task Batches_get_dense_sequence_numbers_in_order_and_every_field_survives()
    {
        var sequencer = Sequencer();
        var first = await sequencer.AppendAsync([Put("a", "1", "r1"), Put("b", "2", "r2")]);
        var second = await sequencer.AppendAsync([
            Put("a", "3", "r3", precondition: Precondition.VersionMatches(1)),
            new AppendCommand { Operation = LogOperation.Delete, Key = "b", RequestId = "r4", Precondition = Precondition.MustNotExist },
        ]);

        Assert.Equal([new AppendOutcome(1, false), new AppendOutcome(2, false)], first);
        Assert.Equal([new AppendOutcome(3, false), new AppendOutcome(4, false)], second);
        var log = await ReadLogAsync();
        Assert.Equal([1L, 2, 3, 4], log.Select(e => e.Seq));
        Assert.Equal("a", log[2].Key);
        Assert.Equal("3", Encoding.UTF8.GetString(log[2].Value.Span));
        Assert.Equal(Precondition.VersionMatches(1), log[2].Precondition);
        Assert.Equal(LogOperation.Delete, log[3].Operation);
        Assert.Equal(Precondition.MustNotExist, log[3].Precondition);
        Assert.Equal("r1", log[0].RequestId);
        Assert.Equal("node-1", log[0].OriginNode);
        Assert.StartsWith("00-0af7651916cd43dd8448eb211c80319c", log[0].TraceParent);
        Assert.True(log[0].SequencedAtUnixMs > 1_700_000_000_000);
    }

    [Fact]
    public async Task The_chain_hash_nodes_compute_matches_the_scripts_for_every_entry()
    {
        var sequencer = Sequencer();
        await sequencer.AppendAsync([Put("ключ", "значение", "r1"), Put("k", new string('x', 5000), "r2", "idem-1")]);
        await sequencer.AppendAsync([new AppendCommand { Operation = LogOperation.Delete, Key = "k", RequestId = "r3" }]);

        string previous = "";
        foreach (var entry in await ReadLogAsync())
        {
            Assert.Equal(entry.ChainHash, ChainHash.Next(previous, entry));
            previous = entry.ChainHash;
        }
        // A different history gives a different chain.
        var log = await ReadLogAsync();
        Assert.NotEqual(log[1].ChainHash, ChainHash.Next("", log[1]));
    }

    [Fact]
    public async Task A_node_hashes_the_command_bytes_it_reads_so_a_changed_command_breaks_the_chain()
    {
        await Sequencer().AppendAsync([Put("k", "the value that was sequenced", "r1")]);
        var entry = (await ReadLogAsync())[0];
        Assert.Equal(ChainHashFormat.CommandXxHash128, entry.ChainFormat);
        Assert.True(ChainHash.Continues("", entry));

        // Same length, one byte different: the digest the script hashed no longer matches what was read.
        var altered = EntryBlob.Encode(Put("k", "the value that was sequenceD", "r1"));
        Assert.False(ChainHash.Continues("", entry with { Encoded = altered }));
    }

    [Fact]
    public async Task A_log_begun_by_earlier_sequencers_verifies_end_to_end_after_this_one_continues_it()
    {
        // Entries 1 and 2 as earlier sequencers wrote them, written out here from their description, not from
        // ChainHash: SHA-1 over "len:previous" "len:seq" "len:covered" "len:time", where entry 1 (field "h") covers
        // the command's own bytes and entry 2 (field "c") the SHA-1 of them as lowercase hex.
        const string SequencedAt = "1700000000000";
        byte[] firstCommand = EntryBlob.Encode(Put("old", "written by the earlier sequencer", "r0"));
        string firstHash = ChainLink("", 1, firstCommand, SequencedAt);
        byte[] secondCommand = EntryBlob.Encode(Put("older", "written by the SHA-1 sequencer", "r00"));
        byte[] secondDigest = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(secondCommand)));
        string secondHash = ChainLink(firstHash, 2, secondDigest, SequencedAt);
        await _redis.StreamAddAsync(_keys.Log, [new("e", firstCommand), new("t", SequencedAt), new("h", firstHash)], "1-0");
        await _redis.StreamAddAsync(_keys.Log, [new("e", secondCommand), new("t", SequencedAt), new("c", secondHash)], "2-0");
        await _redis.StringSetAsync(_keys.Sequence, "2");
        await _redis.StringSetAsync(_keys.Chain, secondHash);

        await Sequencer().AppendAsync([Put("new", "written by this one", "r1")]);

        var log = await ReadLogAsync();
        Assert.Equal([ChainHashFormat.WholeCommand, ChainHashFormat.CommandSha1, ChainHashFormat.CommandXxHash128],
            log.Select(e => e.ChainFormat));
        Assert.True(ChainHash.Continues("", log[0]));
        Assert.True(ChainHash.Continues(log[0].ChainHash, log[1]));
        Assert.True(ChainHash.Continues(log[1].ChainHash, log[2]));
        // This sequencer's link covers the XXH128 of the command, as lowercase hex.
        byte[] thirdDigest = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(System.IO.Hashing.XxHash128.Hash(log[2].Encoded.Span)));
        Assert.Equal(ChainLink(secondHash, 3, thirdDigest, log[2].SequencedAtUnixMs.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            log[2].ChainHash);
        // A changed byte in the SHA-1 entry's command breaks its link.
        Assert.False(ChainHash.Continues(log[0].ChainHash,
            log[1] with { Encoded = EntryBlob.Encode(Put("older", "written by the SHA-1 sequenceR", "r00")) }));
        Assert.Equal("written by the earlier sequencer", Encoding.UTF8.GetString(log[0].Value.Span));
    }

    [Fact]
    public async Task A_retried_request_id_or_idempotency_key_is_not_appended_again()
    {
        var sequencer = Sequencer();
        await sequencer.AppendAsync([Put("a", "1", "r1", "pay-17")]);

        var sameRequest = await sequencer.AppendAsync([Put("a", "1", "r1")]);
        var sameKeyOtherNode = await sequencer.AppendAsync([Put("a", "1", "r9", "pay-17"), Put("c", "new", "r10")]);

        Assert.Equal([new AppendOutcome(1, true)], sameRequest);
        Assert.Equal([new AppendOutcome(1, true), new AppendOutcome(2, false)], sameKeyOtherNode);
        Assert.Equal(2, (await ReadLogAsync()).Count);
    }

    [Fact]
    public async Task A_retried_request_among_others_in_one_call_gets_its_earlier_numbers_and_the_others_are_appended()
    {
        var sequencer = Sequencer();
        var first = await sequencer.AppendRequestsAsync([[Put("a", "1", "n1-1"), Put("b", "2", "n1-2", "pay-1"), Put("c", "3", "n1-3")]]);
        Assert.Equal([new AppendOutcome(1, false), new AppendOutcome(2, false), new AppendOutcome(3, false)], first);

        // The coordinator merged a retry of that request (same commands, same first request id) with two new requests;
        // the third new request repeats an idempotency key of the first.
        var merged = await sequencer.AppendRequestsAsync([
            [Put("x", "9", "n2-1")],
            [Put("a", "1", "n1-1"), Put("b", "2", "n1-2", "pay-1"), Put("c", "3", "n1-3")],
            [Put("d", "4", "n3-1"), Put("b", "2", "n3-2", "pay-1")],
        ]);

        Assert.Equal([new AppendOutcome(4, false),
                      new AppendOutcome(1, true), new AppendOutcome(2, true), new AppendOutcome(3, true),
                      new AppendOutcome(5, false), new AppendOutcome(2, true)], merged);
        var log = await ReadLogAsync();
        Assert.Equal(["a", "b", "c", "x", "d"], log.Select(entry => entry.Key));
        Assert.Equal([1L, 2, 3, 4, 5], log.Select(entry => entry.Seq));
    }

    [Fact]
    public async Task After_Redis_forgets_the_script_the_next_append_loads_it_again()
    {
        var sequencer = Sequencer();
        await sequencer.AppendAsync([Put("a", "1", "r1")]);
        await _connection.GetServers()[0].ScriptFlushAsync();
        Assert.Equal([new AppendOutcome(2, false)], await sequencer.AppendAsync([Put("a", "2", "r2")]));
    }
}
