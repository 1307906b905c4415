using KvCluster.Bench.Measurement;

namespace KvCluster.Bench.Running;

/// <summary>What one connection's worker measured; only it writes here, so nothing is shared while the run goes.</summary>
internal sealed class WorkerResults
{
    public LatencyHistogram Reads { get; } = new();
    public LatencyHistogram Writes { get; } = new();

    /// <summary>Open loop only: from the moment the request really went out (latency counts from when it was due).</summary>
    public LatencyHistogram ServiceTime { get; } = new();

    public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    public long PrefillErrors { get; set; }

    public void CountError(string kind) => Errors[kind] = Errors.GetValueOrDefault(kind) + 1;
}
