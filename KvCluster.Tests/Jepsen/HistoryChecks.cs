using KvCluster.Tests.Linearizability;

namespace KvCluster.Tests.Jepsen;

/// <summary>One thing the history shows the system did wrong.</summary>
public sealed record Anomaly(string Kind, string Description)
{
    public override string ToString() => $"[{Kind}] {Description}";
}

/// <summary>
/// The verdicts of docs/architecture.md §3 over a recorded history: writes and linearizable reads linearizable (per
/// key); session reads with read-your-writes and monotonic reads per client; local reads never going backwards on a
/// node (while it is not restarted); each write taking effect at most once; no answer a correct node never gives.
/// </summary>
public static class HistoryChecks
{
    public static IReadOnlyList<Anomaly> Run(WorkloadResult result, TimeSpan timeoutPerKey, out CheckResult linearizability)
    {
        var anomalies = new List<Anomaly>();
        var operations = result.Operations.OrderBy(op => op.Call).ToList();

        foreach (var op in operations.Where(op => op.Unexpected))
        {
            anomalies.Add(new Anomaly("unexpected-answer", $"client {op.Client} {op.Kind} {op.Key} on node {op.Node + 1}: {op.Error}"));
        }

        linearizability = LinearizabilityChecker.Check(KvPairModel.Instance, ToPairHistory(operations), timeoutPerKey);
        if (linearizability.Verdict == Verdict.Unknown)
        {
            anomalies.Add(new Anomaly("undecided", linearizability.Describe()));
        }
        anomalies.AddRange(linearizability.Violations.Select(violation => new Anomaly("not-linearizable", violation)));

        anomalies.AddRange(CheckSessions(operations));
        anomalies.AddRange(CheckLocalReads(operations, result.Faults));
        anomalies.AddRange(CheckWrittenOnce(operations));
        return anomalies;
    }

    /// <summary>Writes (known or unknown outcome) and answered linearizable reads, as the checker's operations.</summary>
    public static List<Operation<KvInput, KvOutput>> ToLinearizabilityHistory(IEnumerable<RecordedOperation> operations) =>
        [.. operations.Where(op => op.Kind != OperationKind.Txn).Select(SingleKey).OfType<Operation<KvInput, KvOutput>>()];

    /// <summary>As <see cref="ToLinearizabilityHistory"/>, with the transactions, for <see cref="KvPairModel"/>.</summary>
    public static List<Operation<KvPairInput, KvPairOutput>> ToPairHistory(IEnumerable<RecordedOperation> operations)
    {
        var history = new List<Operation<KvPairInput, KvPairOutput>>();
        var replacements = ReplacementsByKey(operations);
        foreach (var op in operations)
        {
            if (op.Kind == OperationKind.Txn)
            {
                var input = new KvPairInput(null, op.Txn);
                history.Add(op.Return is long done && op.TxnResult is { } answer
                    ? new(op.Client, input, op.Call, new KvPairOutput(null, answer), done)
                    : Operation<KvPairInput, KvPairOutput>.Unknown(op.Client, input, op.Call));
                continue;
            }
            if (SingleKey(op) is not { } single) continue;
            history.Add(new(single.ClientId, new KvPairInput(single.Input, null), single.Call,
                single.Output is null ? null : new KvPairOutput(single.Output, null), single.Return));
            if (op.Lease is not null && LeaseExpiryOf(op, replacements) is { } expiry) history.Add(expiry);
        }
        return history;
    }

    /// <summary>
    /// The expiry of a leased put's lease, which deletes the key if it still holds the put's value: not before the lease
    /// can have expired, and no later than the answer of the first write known to have replaced the value (after it the
    /// expiry changes nothing, so a search need not place it later). Null when that write answered before the lease
    /// could expire; of unknown end (maybe never within the history) when nothing is known to have replaced it. Open
    /// ends are what makes a search slow: each can be placed at any later point.
    /// </summary>
    private static Operation<KvPairInput, KvPairOutput>? LeaseExpiryOf(RecordedOperation put, Dictionary<string, List<(long Call, long Return)>> replacements)
    {
        var input = new KvPairInput(null, null, new LeaseExpiry(put.Key, put.Value!));
        long? replacedBy = null;
        if (put.Return is long answered && put.Outcome == OperationOutcome.Ok && replacements.TryGetValue(put.Key, out var writes))
        {
            // Writes called after the put answered follow it in log order.
            foreach (var (call, done) in writes)
            {
                if (call > answered && (replacedBy is null || done < replacedBy)) replacedBy = done;
            }
        }
        if (replacedBy is not long end) return Operation<KvPairInput, KvPairOutput>.Unknown(put.Client, input, put.LeaseExpiresAfter);
        return end <= put.LeaseExpiresAfter ? null : new(put.Client, input, put.LeaseExpiresAfter, KvPairOutput.Expired, end);
    }

    /// <summary>Per key, the answered writes that left it without whatever value it held: puts and deletes that succeeded, and transactions whose branch wrote it.</summary>
    private static Dictionary<string, List<(long Call, long Return)>> ReplacementsByKey(IEnumerable<RecordedOperation> operations)
    {
        var byKey = new Dictionary<string, List<(long Call, long Return)>>(StringComparer.Ordinal);
        void Add(string key, long call, long done)
        {
            if (!byKey.TryGetValue(key, out var list)) byKey[key] = list = [];
            list.Add((call, done));
        }
        foreach (var op in operations)
        {
            if (op.Return is not long done) continue;
            if (op.Kind is OperationKind.Put or OperationKind.Delete && op.Outcome == OperationOutcome.Ok) Add(op.Key, op.Call, done);
            if (op is { Kind: OperationKind.Txn, TxnResult: { } answer })
            {
                var branch = answer.Succeeded ? op.Txn!.Success : op.Txn!.Failure;
                foreach (var key in branch.Where(step => step.Operation != KvOperation.Get).Select(step => step.Key).Distinct()) Add(key, op.Call, done);
            }
        }
        return byKey;
    }

    /// <summary>One key's write (known or unknown outcome) or answered linearizable read; null for what the checker does not take.</summary>
    private static Operation<KvInput, KvOutput>? SingleKey(RecordedOperation op)
    {
        // A put naming a lease that had expired changed nothing (404).
        if (op.Lease is not null && op.Outcome == OperationOutcome.NotFound) return null;
        var kind = op.Kind switch { OperationKind.Get => KvOperation.Get, OperationKind.Put => KvOperation.Put, _ => KvOperation.Delete };
        var input = new KvInput(kind, op.Key, op.Value, op.Precondition, op.MatchVersion);
        if (op.Kind == OperationKind.Get)
        {
            if (op.Consistency != "linearizable" || op.Return is not long returned) return null;
            if (op.Outcome == OperationOutcome.Ok) return new(op.Client, input, op.Call, new KvOutput(KvResult.Found, op.ValueRead, op.Version), returned);
            if (op.Outcome == OperationOutcome.NotFound) return new(op.Client, input, op.Call, new KvOutput(KvResult.NotFound), returned);
            return null;
        }
        if (op.Return is not long done || op.Outcome == OperationOutcome.Unknown) return Operation<KvInput, KvOutput>.Unknown(op.Client, input, op.Call);
        var output = op.Outcome switch
        {
            OperationOutcome.Ok when op.Kind == OperationKind.Put => new KvOutput(KvResult.Written, Version: op.Version, Created: op.Created),
            OperationOutcome.Ok => new KvOutput(KvResult.Deleted, Version: op.Version),
            OperationOutcome.NotFound => new KvOutput(KvResult.NotFound),
            _ => new KvOutput(KvResult.PreconditionFailed),
        };
        return new(op.Client, input, op.Call, output, done);
    }

    private static IEnumerable<Anomaly> CheckSessions(List<RecordedOperation> operations)
    {
        // Any delete of a key (whatever its outcome) started before a time can explain the key being absent then.
        var deleteCalls = operations.SelectMany(DeletedKeys).GroupBy(delete => delete.Key)
            .ToDictionary(group => group.Key, group => group.Select(delete => delete.Call).Order().ToArray());
        bool MayHaveBeenDeleted(string key, long before) => deleteCalls.TryGetValue(key, out var calls) && calls.Length > 0 && calls[0] < before;

        foreach (var client in operations.GroupBy(op => op.Client))
        {
            // What this client had seen of each key when a read began: from its operations answered before that
            // (a write it set aside and resolved later counts only from its answer), the highest version or delete
            // seq, and whether the key was present then.
            var answered = client.Where(op => op.Return is not null && Observation(op) is not null).OrderBy(op => op.Return).ToList();
            var seen = new Dictionary<string, (long Version, bool Present, int Index)>();
            int next = 0;
            foreach (var op in client.Where(op => op.Kind == OperationKind.Get && op.Consistency == "session" && op.Return is not null &&
                                                  op.Outcome is OperationOutcome.Ok or OperationOutcome.NotFound).OrderBy(op => op.Call))
            {
                for (; next < answered.Count && answered[next].Return < op.Call; next++)
                {
                    var earlier = answered[next];
                    var o = Observation(earlier)!.Value;
                    if (!seen.TryGetValue(earlier.Key, out var known) || o.Version >= known.Version) seen[earlier.Key] = (o.Version, o.Present, earlier.Index);
                }
                if (op.Seq < op.MinSeq)
                {
                    yield return new Anomaly("session", $"client {op.Client} read {op.Key} on node {op.Node + 1} with X-Kv-Min-Seq {op.MinSeq} and got an answer at seq {op.Seq}");
                }
                if (!seen.TryGetValue(op.Key, out var before)) continue;
                if (op.Outcome == OperationOutcome.Ok && op.Version < before.Version)
                {
                    yield return new Anomaly("session", $"client {op.Client} read {op.Key} v{op.Version} on node {op.Node + 1} at {op.Call} µs after it had seen v{before.Version} (operation #{before.Index}): an older value");
                }
                if (op.Outcome == OperationOutcome.NotFound && before.Present && !MayHaveBeenDeleted(op.Key, op.Return!.Value))
                {
                    yield return new Anomaly("session", $"client {op.Client} found {op.Key} absent on node {op.Node + 1} at {op.Call} µs after it had seen v{before.Version} (operation #{before.Index}), and nobody deleted it");
                }
            }
        }
    }

    /// <summary>
    /// The keys an operation may delete, and from when: a delete from its call, a transaction with a delete in either
    /// branch from its call, a put attached to a lease from the earliest time the lease can expire.
    /// </summary>
    private static IEnumerable<(string Key, long Call)> DeletedKeys(RecordedOperation op) => op.Kind switch
    {
        OperationKind.Delete => [(op.Key, op.Call)],
        OperationKind.Put when op.Lease is not null => [(op.Key, op.LeaseExpiresAfter)],
        OperationKind.Txn => op.Txn!.Success.Concat(op.Txn.Failure).Where(step => step.Operation == KvOperation.Delete)
            .Select(step => (step.Key, op.Call)),
        _ => [],
    };

    private static (long Version, bool Present)? Observation(RecordedOperation op) => op switch
    {
        { Kind: OperationKind.Get, Outcome: OperationOutcome.Ok } => (op.Version, true),
        { Kind: OperationKind.Put, Outcome: OperationOutcome.Ok } => (op.Version, true),
        { Kind: OperationKind.Delete, Outcome: OperationOutcome.Ok } => (op.Version, false),
        _ => null,
    };

    private static IEnumerable<Anomaly> CheckLocalReads(List<RecordedOperation> operations, IReadOnlyList<FaultEvent> faults)
    {
        // A killed node comes back as a new process that may start from an older snapshot: compare reads of one process only.
        // An answered read lies wholly inside one process's life, so the kills begun before its call name that process.
        int Incarnation(RecordedOperation read) =>
            faults.Count(fault => fault.Nemesis == "kill-node" && fault.Target == $"node-{read.Node + 1}" && fault.Start < read.Call);

        var answered = operations.Where(op => op.Kind == OperationKind.Get && op.Consistency == "local" && op.Return is not null &&
                                              op.Outcome is OperationOutcome.Ok or OperationOutcome.NotFound);
        foreach (var process in answered.GroupBy(op => (op.Node, Incarnation: Incarnation(op))))
        {
            string name = $"node-{process.Key.Node + 1}";
            var reads = process.OrderBy(op => op.Call).ToList();
            // Compare each read with the reads that finished before it began.
            RecordedOperation? highest = null;
            var highestVersion = new Dictionary<string, RecordedOperation>();
            var pending = new List<RecordedOperation>();
            foreach (var read in reads)
            {
                foreach (var done in pending.Where(done => done.Return < read.Call).ToList())
                {
                    pending.Remove(done);
                    if (highest is null || done.Seq > highest.Seq) highest = done;
                    if (done.Outcome == OperationOutcome.Ok && (!highestVersion.TryGetValue(done.Key, out var v) || done.Version > v.Version)) highestVersion[done.Key] = done;
                }
                if (highest is not null && read.Seq < highest.Seq)
                {
                    yield return new Anomaly("local", $"{name} answered a local read at seq {read.Seq} (at {read.Call} µs) after answering one at seq {highest.Seq} (ended {highest.Return} µs)");
                }
                if (read.Outcome == OperationOutcome.Ok && highestVersion.TryGetValue(read.Key, out var earlier) && read.Version < earlier.Version)
                {
                    yield return new Anomaly("local", $"{name} answered {read.Key} v{read.Version} (at {read.Call} µs) after answering v{earlier.Version} (ended {earlier.Return} µs)");
                }
                pending.Add(read);
            }
        }
    }

    /// <summary>Each value is written by one logical write; if it took effect twice, it would be seen at two versions.</summary>
    private static IEnumerable<Anomaly> CheckWrittenOnce(List<RecordedOperation> operations)
    {
        var versions = operations
            .Where(op => op.Outcome == OperationOutcome.Ok && (op.Kind == OperationKind.Put || op.Kind == OperationKind.Get))
            .Select(op => (Value: op.Kind == OperationKind.Put ? op.Value : op.ValueRead, op.Key, op.Version))
            .Concat(operations.Where(op => op.TxnResult is { Succeeded: true }).SelectMany(op => op.Txn!.Success
                .Where(step => step.Operation == KvOperation.Put).Select(step => (Value: step.Value, step.Key, Version: op.TxnResult!.Seq))))
            .GroupBy(x => (x.Key, x.Value));
        foreach (var group in versions)
        {
            var distinct = group.Select(x => x.Version).Distinct().Order().ToArray();
            if (distinct.Length > 1)
            {
                yield return new Anomaly("written-twice", $"{group.Key.Key} = \"{group.Key.Value}\" was seen at versions {string.Join(", ", distinct)}");
            }
        }
    }
}
