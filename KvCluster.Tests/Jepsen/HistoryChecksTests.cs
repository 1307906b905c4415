using KvCluster.Tests.Linearizability;

namespace KvCluster.Tests.Jepsen;

/// <summary>The session, local-read and written-once checks flag the histories they are meant to flag, and only those.</summary>
public sealed class HistoryChecksTests
{
    private int _index;

    private RecordedOperation Put(int client, string key, string value, long call, long ret, long version) => new()
    {
        Index = _index++, Client = client, Node = 0, Kind = OperationKind.Put, Key = key, Value = value, Call = call, Return = ret,
        Outcome = OperationOutcome.Ok, Version = version, Seq = version, Created = version == 1,
    };

    private RecordedOperation Read(int client, int node, string consistency, string key, string? value, long version, long seq, long call, long ret,
        long minSeq = 0) => new()
    {
        Index = _index++, Client = client, Node = node, Kind = OperationKind.Get, Key = key, Consistency = consistency, Call = call, Return = ret,
        Outcome = value is null ? OperationOutcome.NotFound : OperationOutcome.Ok, ValueRead = value, Version = version, Seq = seq, MinSeq = minSeq,
    };

    private static IReadOnlyList<Anomaly> Check(IReadOnlyList<FaultEvent> faults, params RecordedOperation[] operations) =>
        HistoryChecks.Run(new WorkloadResult(operations, faults, TimeSpan.FromSeconds(1)), TimeSpan.FromSeconds(5), out _);

    [Fact]
    public void A_consistent_history_has_no_anomalies()
    {
        Assert.Empty(Check([],
            Put(0, "k", "a", 0, 10, 1),
            Read(0, 1, "session", "k", "a", 1, 1, 20, 30, minSeq: 1),
            Read(1, 2, "local", "k", null, 0, 0, 5, 8),
            Read(1, 2, "local", "k", "a", 1, 1, 40, 50)));
    }

    [Fact]
    public void A_session_read_older_than_the_clients_own_write_is_flagged()
    {
        var anomalies = Check([],
            Put(0, "k", "a", 0, 10, 1),
            Put(0, "k", "b", 20, 30, 2),
            Read(0, 1, "session", "k", "a", 1, 2, 40, 50, minSeq: 2));

        Assert.Contains(anomalies, anomaly => anomaly.Kind == "session" && anomaly.Description.Contains("older value"));
    }

    [Fact]
    public void A_session_read_answered_below_its_minimum_seq_is_flagged()
    {
        var anomalies = Check([], Put(0, "k", "a", 0, 10, 5), Read(0, 1, "session", "k", "a", 5, 4, 20, 30, minSeq: 5));

        Assert.Contains(anomalies, anomaly => anomaly.Kind == "session" && anomaly.Description.Contains("X-Kv-Min-Seq 5"));
    }

    [Fact]
    public void Local_reads_going_backwards_on_one_node_are_flagged_unless_it_was_restarted_between()
    {
        RecordedOperation[] history =
        [
            Put(0, "k", "a", 0, 10, 1), Put(0, "k", "b", 20, 30, 2),
            Read(1, 2, "local", "k", "b", 2, 2, 40, 50),
            Read(1, 2, "local", "k", "a", 1, 1, 60, 70),
        ];

        Assert.Contains(Check([], history), anomaly => anomaly.Kind == "local");
        Assert.DoesNotContain(Check([new FaultEvent("kill-node", "node-3", 52, 58)], history), anomaly => anomaly.Kind == "local");
    }

    [Fact]
    public void A_value_seen_at_two_versions_was_written_twice()
    {
        var anomalies = Check([], Put(0, "k", "a", 0, 10, 1), Read(1, 0, "local", "k", "a", 3, 3, 20, 30));

        Assert.Contains(anomalies, anomaly => anomaly.Kind == "written-twice");
    }

    [Fact]
    public void A_stale_linearizable_read_is_reported_with_its_key()
    {
        var anomalies = Check([], Put(0, "k", "a", 0, 10, 1), Put(0, "k", "b", 20, 30, 2), Read(1, 1, "linearizable", "k", "a", 1, 2, 40, 50));

        var violation = Assert.Single(anomalies, anomaly => anomaly.Kind == "not-linearizable");
        Assert.Contains("key \"k\"", violation.Description);
    }

    [Fact]
    public void A_key_attached_to_a_lease_may_vanish_once_the_lease_can_have_expired_but_not_before()
    {
        var leased = Put(0, "k0", "l", 0, 10, 1) with { Lease = "00000000000000aa", LeaseExpiresAfter = 1_000 };

        Assert.Empty(Check([], leased,
            Read(1, 1, "linearizable", "k0", "l", 1, 1, 20, 30),
            Read(1, 2, "linearizable", "k0", null, 0, 2, 1_100, 1_200),
            Read(1, 2, "session", "k0", null, 0, 2, 1_300, 1_400)));

        var early = Check([], leased, Read(1, 1, "linearizable", "k0", null, 0, 1, 20, 30));
        Assert.Contains(early, anomaly => anomaly.Kind == "not-linearizable");
    }

    [Fact]
    public void A_leases_expiry_does_not_delete_a_value_that_replaced_the_leased_one()
    {
        var leased = Put(0, "k0", "l", 0, 10, 1) with { Lease = "00000000000000aa", LeaseExpiresAfter = 1_000 };

        // Replaced before the lease could expire: the expiry finds the key detached.
        var anomalies = Check([], leased, Put(0, "k0", "m", 20, 30, 2), Read(1, 1, "linearizable", "k0", null, 0, 3, 1_100, 1_200));
        Assert.Contains(anomalies, anomaly => anomaly.Kind == "not-linearizable");

        // Replaced after it could: the expiry may come first (the key absent in between), never after the replacement.
        Assert.Empty(Check([], leased, Read(1, 1, "linearizable", "k0", null, 0, 2, 1_100, 1_200), Put(0, "k0", "m", 1_300, 1_400, 3) with { Created = true },
            Read(1, 1, "linearizable", "k0", "m", 3, 3, 1_500, 1_600)));
        Assert.Contains(Check([], leased, Put(0, "k0", "m", 1_300, 1_400, 3), Read(1, 1, "linearizable", "k0", null, 0, 3, 1_500, 1_600)),
            anomaly => anomaly.Kind == "not-linearizable");
    }

    [Fact]
    public void A_history_with_many_expired_leases_is_decided()
    {
        // What a fault run records: leased puts far more often than a lease lives, so each is replaced long before its
        // expiry, with linearizable reads in between. An expiry of open end for each made the search time out in CI.
        var operations = new List<RecordedOperation>();
        long seq = 0, time = 0;
        for (int i = 0; i < 400; i++)
        {
            string key = "k" + (i % 2);
            var put = Put(i % 3, key, $"v{i}", time, time + 50, ++seq) with { Created = i < 2 };
            operations.Add(i % 4 == 0 ? put with { Lease = $"{i:x16}", LeaseExpiresAfter = time + 1_000 } : put);
            operations.Add(Read(3, 0, "linearizable", key, $"v{i}", seq, seq, time + 60, time + 90));
            time += 100;
        }

        HistoryChecks.Run(new WorkloadResult(operations, [], TimeSpan.FromSeconds(1)), TimeSpan.FromSeconds(10), out var linearizability);

        Assert.Equal(Verdict.Linearizable, linearizability.Verdict);
    }

    [Fact]
    public void A_put_refused_because_its_lease_had_expired_changed_nothing()
    {
        var refused = new RecordedOperation
        {
            Index = _index++, Client = 0, Node = 0, Kind = OperationKind.Put, Key = "k0", Value = "late", Call = 0, Return = 10,
            Outcome = OperationOutcome.NotFound, Lease = "00000000000000bb", LeaseExpiresAfter = 5,
        };

        Assert.Empty(Check([], refused, Read(1, 1, "linearizable", "k0", null, 0, 1, 20, 30)));
        Assert.Contains(Check([], refused, Read(1, 1, "linearizable", "k0", "late", 1, 1, 20, 30)), anomaly => anomaly.Kind == "not-linearizable");
    }

    [Fact]
    public void A_transaction_that_wrote_both_keys_is_checked_with_reads_of_each()
    {
        var txn = new TxnInput([new TxnCompare("k0", TxnCompareKind.Exists, Exists: false)],
            [new(KvOperation.Put, "k0", "ta"), new(KvOperation.Delete, "k1")], [new(KvOperation.Get, "k0"), new(KvOperation.Get, "k1")]);
        var written = new RecordedOperation
        {
            Index = _index++, Client = 0, Node = 0, Kind = OperationKind.Txn, Key = "k0", Txn = txn, Call = 20, Return = 30,
            Outcome = OperationOutcome.Ok, TxnResult = new TxnOutput(true, 2, [new(Version: 2), new(Deleted: true)]), Seq = 2, Version = 2,
        };

        // The client saw k1 present, then its transaction deleted it: a session read finding it absent is no anomaly.
        Assert.Empty(Check([], Put(0, "k1", "x", 0, 10, 1), written,
            Read(0, 1, "session", "k1", null, 0, 2, 40, 50, minSeq: 2),
            Read(1, 1, "linearizable", "k0", "ta", 2, 2, 60, 70)));
        Assert.Contains(Check([], Put(0, "k1", "x", 0, 10, 1), written, Read(1, 1, "linearizable", "k1", "x", 1, 2, 40, 50)),
            anomaly => anomaly.Kind == "not-linearizable");
    }
}
