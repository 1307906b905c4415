namespace KvCluster.Log.Checkpoints;

/// <summary>
/// A checkpoint could not be written or read intact: a chunk is missing (deleted by a newer checkpoint, or
/// lost), or the bytes do not match the manifest's length or SHA-256. Read the manifest again and retry.
/// </summary>
public class CheckpointException : Exception
{
    public CheckpointException(string message) : base(message) { }
}

/// <summary>
/// The checkpoint was not published because one at the same or a later seq already was (another coordinator
/// got there first). Nothing is lost; the chunks written were deleted.
/// </summary>
public sealed class CheckpointSupersededException(long attemptedSeq, long publishedSeq)
    : CheckpointException($"Checkpoint at seq {attemptedSeq} not published: one at seq {publishedSeq} already is.")
{
    public long AttemptedSeq { get; } = attemptedSeq;

    public long PublishedSeq { get; } = publishedSeq;
}
