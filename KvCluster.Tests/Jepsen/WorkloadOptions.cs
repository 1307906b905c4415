namespace KvCluster.Tests.Jepsen;

/// <summary>How hard and how long the workload pushes; the same seed gives the same choices of operations and faults.</summary>
public sealed record WorkloadOptions
{
    public int Seed { get; init; } = 1;
    public int Clients { get; init; } = 6;
    /// <summary>Keys k0..k{Keys-1}; transactions span the two keys of a pair (k0 and k1, k2 and k3, ...).</summary>
    public int Keys { get; init; } = 6;
    /// <summary>The share of operations that are transactions (POST /v1/txn) over a pair of keys.</summary>
    public double TransactionShare { get; init; } = 0.15;
    /// <summary>The share of puts that attach their key to a new lease of <see cref="LeaseTtl"/>, never kept alive.</summary>
    public double LeasedPutShare { get; init; } = 0.1;
    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(12);
    public int MaxOperations { get; init; } = 20_000;
    /// <summary>One HTTP attempt's limit; a write that hits it is retried with the same Idempotency-Key.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>How long a write keeps retrying before the client moves on (it is retried again after the run).</summary>
    public TimeSpan WriteRetryWindow { get; init; } = TimeSpan.FromSeconds(1.5);
    /// <summary>How long a set-aside write is retried after the run before its outcome is recorded as unknown.</summary>
    public TimeSpan ResolveWindow { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Quiet time before each fault, and how long each fault lasts (each drawn between half and all of it).</summary>
    public TimeSpan QuietTime { get; init; } = TimeSpan.FromSeconds(2.5);
    public TimeSpan FaultTime { get; init; } = TimeSpan.FromSeconds(2.5);
    /// <summary>
    /// Each nemesis has its turn even when that runs past <see cref="Duration"/> (a killed process's restart can take
    /// seconds on a busy machine); the clients then run until a quiet stretch after the last heal.
    /// </summary>
    public bool EveryNemesisStrikes { get; init; }
}
