namespace KvCluster.Log;

/// <summary>
/// What the log holds: entries <paramref name="FirstSeq"/> to <paramref name="Head"/> (<paramref name="Length"/> of
/// them); <paramref name="FirstSeq"/> is <paramref name="Head"/> + 1 when it holds none.
/// </summary>
public readonly record struct LogExtent(long Head, long FirstSeq, long Length);
