using System.Net.ServerSentEvents;

namespace KvCluster.Client;

/// <summary>
/// Where a watch is, across the streams it is resumed on: changes are held until the event that carries their seq's
/// <c>id:</c> (the last of that seq) arrives, then released together and the seq counted as delivered, so a stream that
/// breaks in the middle of a transaction's events is resumed with <c>Last-Event-ID</c> = the last whole seq, and the
/// caller sees every change once.
/// </summary>
internal sealed class WatchCursor(long? fromSeq)
{
    private readonly List<KvChange> _pending = [];

    /// <summary>The last seq every change of which was delivered; null before the first stream said where it starts.</summary>
    public long? DeliveredThrough { get; private set; } = fromSeq - 1;

    /// <summary>The reason of the last <c>close</c> event, until the next stream.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>What the next stream asks for: <c>Last-Event-ID</c> when a seq was delivered, else <c>from</c>, else neither (from now).</summary>
    public (long? LastEventId, long? From) ResumeAt() => DeliveredThrough switch
    {
        null => (null, null),
        >= 1 and var through => (through, null),
        var through => (null, through + 1),
    };

    /// <summary>A new stream began at <paramref name="startSeq"/> (its first line): the start when nothing was delivered yet.</summary>
    public void Started(long startSeq)
    {
        _pending.Clear();
        CloseReason = null;
        DeliveredThrough ??= startSeq - 1;
    }

    /// <summary>The changes an event makes ready, in order; empty while its seq is not whole yet.</summary>
    public IReadOnlyList<KvChange> Accept(SseItem<object?> item)
    {
        switch (item.Data)
        {
            case WatchEventBody body:
                // Already delivered on an earlier stream: never twice.
                if (body.Seq > (DeliveredThrough ?? 0)) _pending.Add(WatchWire.ToChange(body));
                if (item.EventId is null) return [];
                DeliveredThrough = Math.Max(DeliveredThrough ?? 0, body.Seq);
                var ready = _pending.ToArray();
                _pending.Clear();
                return ready;
            case WatchCloseBody close:
                CloseReason = close.Reason ?? "close";
                // Everything through lastSeq was sent: seqs with no matching change need not be asked for again.
                if (_pending.Count == 0 && close.LastSeq > (DeliveredThrough ?? 0)) DeliveredThrough = close.LastSeq;
                _pending.Clear();
                return [];
            default:
                return [];
        }
    }
}
