namespace KvCluster.Log.Checkpoints;

/// <summary>
/// The newest complete checkpoint: the full state at <paramref name="Seq"/> (the log applied up to it, whose
/// last entry carried <paramref name="ChainHash"/>), stored as <paramref name="Chunks"/> chunks of a snapshot
/// <paramref name="Bytes"/> long with SHA-256 <paramref name="Sha256"/> (lowercase hex).
/// </summary>
public sealed record CheckpointManifest(
    long Seq, string Id, int Chunks, long Bytes, string Sha256, string ChainHash, long CreatedUnixMs);
