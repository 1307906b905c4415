using KvCluster.Node.StateMachine;
using KvCluster.Log.Entries;

namespace KvCluster.Tests.StateMachine;

/// <summary>
/// The state machine's meaning, written as plainly as possible and independently of it: a dictionary
/// of keys, a dictionary of idempotency records that never forgets (it checks age on lookup instead).
/// </summary>
internal sealed class ReferenceModel(long windowMs)
{
    public sealed record Entry(byte[] Value, string ContentType, long Version, long CreatedSeq);

    public sealed record Remembered(long Seq, ApplyResult Result, long AtUnixMs);

    public Dictionary<string, Entry> Keys { get; } = new(StringComparer.Ordinal);

    private readonly Dictionary<string, Remembered> _idempotency = new(StringComparer.Ordinal);

    public long AppliedSeq { get; private set; }

    public long NowUnixMs { get; private set; }

    /// <summary>Applies the entry; <c>Replayed</c> says whether it was an idempotent retry.</summary>
    public (ApplyResult Result, bool Replayed) Apply(LogEntry entry)
    {
        if (entry.Seq != AppliedSeq + 1)
            throw new InvalidOperationException("the model is only fed dense logs");
        AppliedSeq = entry.Seq;
        NowUnixMs = Math.Max(NowUnixMs, entry.SequencedAtUnixMs);

        if (entry.IdempotencyKey != "" && TryGetLive(entry.IdempotencyKey, out var earlier))
            return (earlier.Result, true);

        var result = entry.Operation == LogOperation.Put ? Put(entry) : Delete(entry);
        if (entry.IdempotencyKey != "")
            _idempotency[entry.IdempotencyKey] = new Remembered(entry.Seq, result, NowUnixMs);
        return (result, false);
    }

    public bool TryGetLive(string idempotencyKey, out Remembered remembered) =>
        _idempotency.TryGetValue(idempotencyKey, out remembered!) && NowUnixMs - remembered.AtUnixMs < windowMs;

    private ApplyResult Put(LogEntry entry)
    {
        Keys.TryGetValue(entry.Key, out var current);
        if (Fails(entry.Precondition, current))
            return new ApplyResult(ApplyOutcome.PreconditionFailed, current?.Version ?? 0);

        Keys[entry.Key] = new Entry(entry.Value.ToArray(), entry.ContentType, entry.Seq, current?.CreatedSeq ?? entry.Seq);
        return new ApplyResult(current is null ? ApplyOutcome.Created : ApplyOutcome.Updated, entry.Seq);
    }

    private ApplyResult Delete(LogEntry entry)
    {
        Keys.TryGetValue(entry.Key, out var current);
        if (Fails(entry.Precondition, current))
            return new ApplyResult(ApplyOutcome.PreconditionFailed, current?.Version ?? 0);
        if (current is null)
            return new ApplyResult(ApplyOutcome.NotFound, 0);

        Keys.Remove(entry.Key);
        return new ApplyResult(ApplyOutcome.Deleted, entry.Seq);
    }

    private static bool Fails(Precondition precondition, Entry? current) =>
        (precondition.Kind == PreconditionKind.MustNotExist && current is not null)
        || (precondition.Kind == PreconditionKind.VersionMatches && current?.Version != precondition.Version);
}
