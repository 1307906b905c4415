namespace KvCluster.RedisLog.Log;

/// <summary>
/// What an entry's chain hash covers of its command. The stream field that carries the hash says which:
/// "c" for <see cref="CommandDigest"/> (written by the current sequencer), "h" for <see cref="WholeCommand"/>
/// (entries sequenced before it), so a log that holds both still verifies end to end.
/// </summary>
public enum ChainHashFormat
{
    /// <summary>
    /// The hash covers the SHA-1 of the command (hex) instead of the command itself: the coordinator supplies the
    /// digest, so Redis's single thread hashes 40 bytes per entry rather than the whole value. Nodes hash the
    /// command bytes they read, so the chain still commits to every byte.
    /// </summary>
    CommandDigest,

    /// <summary>The hash covers the command's bytes themselves (the sequencer before the digest).</summary>
    WholeCommand,
}
