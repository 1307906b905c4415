using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using KvCluster.Log.Entries;
using KvCluster.Log.Redis;
using KvCluster.Node.StateMachine;
using KvCluster.Node.Transactions;
using KvCluster.Tests.Snapshots;
using StackExchange.Redis;

namespace KvCluster.Tests.Fuzz;

/// <summary>
/// Every decoder fed bytes from the network or from Redis, given random and damaged input: it answers or throws its
/// documented exception (FormatException, LogFormatException, SnapshotFormatException) and nothing else, and never
/// allocates much more than the input's size because a length or count field said so.
/// </summary>
public sealed class DecoderFuzzProperties
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(2_000);

    // A decoder's own objects (a command per 37 bytes at least, strings as UTF-16) cost a few times the input, plus
    // fixed costs (the snapshot reader's 64 KiB buffer, rented from a pool that may be empty at first); anything sized
    // by a claim rather than by the bytes present breaks this.
    private const int AllocationPerInputByte = 16;
    private const int AllocationSlack = 256 * 1024;

    private static readonly Gen<string> Texts =
        Gen.Elements("", "k", "users/ä", "a/b%2Fc", "\u0001", "😀", "42", "*", "application/json", new string('x', 300));

    private static readonly Gen<AppendCommand> ValidCommands =
        from isPut in Gen.Elements(true, false)
        from key in Texts.Where(text => text.Length > 0)
        from value in Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf()
        from contentType in Texts
        from precondition in Gen.Elements(Precondition.None, Precondition.MustNotExist, Precondition.VersionMatches(7))
        from idempotencyKey in Texts
        from requestId in Texts.Where(text => text.Length > 0)
        select new AppendCommand
        {
            Operation = isPut ? LogOperation.Put : LogOperation.Delete, Key = key, Value = value, ContentType = contentType,
            Precondition = precondition, IdempotencyKey = idempotencyKey, RequestId = requestId, OriginNode = "node-1",
        };

    private static readonly Gen<byte[]> ValidRequests =
        Gen.Choose(1, 5).SelectMany(count => ValidCommands.ArrayOf(count)).Select(commands => AppendWireFormat.EncodeRequest(commands));

    private static readonly Gen<byte[]> ValidResponses =
        Gen.Choose(0, 5).SelectMany(count => Gen.Choose(0, int.MaxValue).Select(seq => new AppendOutcome(seq, seq % 2 == 0)).ArrayOf(count))
            .Select(outcomes => AppendWireFormat.EncodeResponse(outcomes));

    private static Arbitrary<byte[]> RandomOrMutated(Gen<byte[]> valid) =>
        Gen.Frequency((1, ByteMutations.RandomBytes), (3, ByteMutations.Mutated(valid))).ToArbitrary();

    [Fact]
    public void The_append_request_decoder_throws_only_FormatException_and_allocates_by_the_bytes_present()
    {
        Check.One(Config, Prop.ForAll(RandomOrMutated(ValidRequests), body =>
            AssertDecodes<FormatException>(body.Length, () => AppendWireFormat.DecodeRequest(body))));
    }

    [Fact]
    public void The_command_decoder_throws_only_FormatException()
    {
        var valid = ValidCommands.Select(EntryBlob.Encode);
        Check.One(Config, Prop.ForAll(RandomOrMutated(valid), blob => AssertDecodes<FormatException>(blob.Length, () => EntryBlob.Decode(blob))));
    }

    [Fact]
    public void The_append_response_decoder_the_node_uses_throws_only_FormatException()
    {
        Check.One(Config, Prop.ForAll(RandomOrMutated(ValidResponses), body =>
            AssertDecodes<FormatException>(body.Length, () => AppendWireFormat.DecodeResponse(body))));
    }

    [Fact]
    public void The_stream_entry_decoder_throws_only_LogFormatException()
    {
        var fields = Gen.Elements("e", "t", "x", "c", "h", "?");
        var values = Gen.Frequency((3, RandomOrMutated(ValidCommands.Select(EntryBlob.Encode)).Generator),
            (1, Gen.Elements("1700000000000", "-1", "x", "", "99999999999999999999").Select(Encoding.ASCII.GetBytes)));
        var entries =
            from id in Gen.Elements("1-0", "7-0", "0-0", "-1-0", "1-1", "x", "", "18446744073709551615-0")
            from pairs in Gen.Zip(fields, values).ListOf()
            select new StreamEntry(id, [.. pairs.Select(pair => new NameValueEntry(pair.Item1, pair.Item2))]);
        Check.One(Config.WithMaxTest(500), Prop.ForAll(entries.ToArbitrary(), entry =>
            AssertDecodes<LogFormatException>(entry.Values.Sum(pair => ((byte[])pair.Value!).Length), () => StreamEntryDecoder.Decode(entry))));
    }

    [Fact]
    public void The_snapshot_reader_throws_only_SnapshotFormatException_and_allocates_by_the_bytes_present()
    {
        var snapshots = Gen.Choose(0, 1000).Select(seed =>
            RandomStates.SnapshotBytes(new RandomStates(seed, windowMs: 60_000, largeValueBytes: 200).Build(count: 8, keySpace: 4)));
        Check.One(Config.WithMaxTest(500), Prop.ForAll(RandomOrMutated(snapshots), bytes =>
            AssertDecodes<SnapshotFormatException>(bytes.Length, () => KvStateMachine.ReadSnapshot(new MemoryStream(bytes, writable: false)))));
    }

    private static readonly Gen<Transaction> ValidTransactions =
        from compares in (from kind in Gen.Elements(TxnCompareKind.Version, TxnCompareKind.Exists, TxnCompareKind.Value)
                          from key in Texts.Where(text => text.Length > 0)
                          from value in Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf()
                          select new TxnCompare(key, kind) { Version = value.Length, Exists = value.Length % 2 == 0, Value = value }).ArrayOf()
        from success in TxnOps.ArrayOf()
        from failure in TxnOps.ArrayOf()
        select new Transaction(compares, success, failure);

    private static Gen<TxnOp> TxnOps =>
        from kind in Gen.Elements(TxnOpKind.Put, TxnOpKind.Delete, TxnOpKind.Get)
        from key in Texts.Where(text => text.Length > 0)
        from value in Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf()
        from contentType in Texts
        select kind == TxnOpKind.Put ? TxnOp.Put(key, value, contentType) : new TxnOp(kind, key);

    [Fact]
    public void The_transaction_decoder_throws_only_FormatException_and_allocates_by_the_bytes_present()
    {
        Check.One(Config, Prop.ForAll(RandomOrMutated(ValidTransactions.Select(TxnCodec.Encode)), bytes =>
            AssertDecodes<FormatException>(bytes.Length, () => TxnCodec.Decode(bytes))));
    }

    [Fact]
    public void An_append_request_claiming_more_commands_than_its_bytes_can_hold_is_refused_before_allocating_for_them()
    {
        // 1 MiB of zeros claiming a million commands: the decoder must not size an array by the claim (8 MB here,
        // 512 MB for a 64 MiB body, which the coordinator accepts).
        var body = new byte[1024 * 1024];
        "KVA2"u8.CopyTo(body);
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(4), 1_000_000);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<FormatException>(() => AppendWireFormat.DecodeRequest(body));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, AllocationSlack);
    }

    private static void AssertDecodes<TDocumented>(long inputLength, Action decode) where TDocumented : Exception
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            decode();
        }
        catch (TDocumented)
        {
            // The documented refusal.
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(allocated, 0, inputLength * AllocationPerInputByte + AllocationSlack);
    }
}
