namespace KvCluster.Log.Entries;

/// <summary>
/// What an entry's chain hash covers of its command. The stream field that carries the hash says which:
/// "x" for <see cref="CommandXxHash128"/> (written by the current sequencer), "c" for <see cref="CommandSha1"/> and
/// "h" for <see cref="WholeCommand"/> (entries sequenced by earlier ones), so a log that holds all three still
/// verifies end to end.
/// </summary>
public enum ChainHashFormat
{
    /// <summary>
    /// The hash covers the XXH128 of the command (hex) instead of the command itself: the coordinator supplies the
    /// digest, so Redis's single thread hashes 32 bytes per entry rather than the whole value. Nodes hash the
    /// command bytes they read, so the chain still commits to every byte. The chain guards against a log that went
    /// backwards or was replaced, not against an adversary, and XXH128 costs a few percent of SHA-1 per byte.
    /// </summary>
    CommandXxHash128,

    /// <summary>The hash covers the SHA-1 of the command (hex): entries sequenced before <see cref="CommandXxHash128"/>.</summary>
    CommandSha1,

    /// <summary>The hash covers the command's bytes themselves (the sequencer before any digest).</summary>
    WholeCommand,
}
