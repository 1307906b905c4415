namespace KvCluster.Log.Checkpoints;

/// <summary>
/// What a trim did: entries below <paramref name="KeptFromSeq"/> are gone from the stream (0 when there was
/// no checkpoint, so nothing could be trimmed), <paramref name="EntriesRemoved"/> of them by this call.
/// </summary>
public readonly record struct LogTrimResult(long KeptFromSeq, long EntriesRemoved);
