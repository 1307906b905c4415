namespace KvCluster.Bench.Targets;

/// <summary>
/// A system under test, seen as reads and writes of numbered keys. <c>connection</c> is the caller's own
/// connection number (0..C-1): each has at most one request outstanding, so a target keeps per-connection state
/// without locks and C connections are really C.
/// </summary>
public interface IBenchTarget : IAsyncDisposable
{
    /// <summary>"kvcluster", "etcd", "redis" or "trivial".</summary>
    string Name { get; }

    Task<OperationResult> ReadAsync(int connection, int key, CancellationToken cancellationToken);

    Task<OperationResult> WriteAsync(int connection, int key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="key"/> so that reads find it (a write, unless reads look elsewhere).</summary>
    Task<OperationResult> PrefillAsync(int connection, int key, CancellationToken cancellationToken) =>
        WriteAsync(connection, key, cancellationToken);
}
