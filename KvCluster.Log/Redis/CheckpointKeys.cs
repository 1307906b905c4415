using System.Globalization;
namespace KvCluster.Log.Redis;

/// <summary>
/// Redis key names for checkpoints and the compaction lease, under the log's prefix (hash-tag it under
/// Redis Cluster, as for <see cref="LogKeys"/>: the scripts here build chunk keys from the prefix).
/// </summary>
public sealed class CheckpointKeys
{
    public CheckpointKeys(LogKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Log = keys.Log;
        Manifest = keys.Prefix + "checkpoint";
        ChunkPrefix = keys.Prefix + "checkpoint:";
        CompactionLease = keys.Prefix + "compaction:lease";
    }

    /// <summary>The log stream, which compaction trims.</summary>
    public string Log { get; }

    /// <summary>Hash describing the newest complete checkpoint (see <see cref="CheckpointManifest"/>).</summary>
    public string Manifest { get; }

    /// <summary>What every chunk key starts with: <c>{prefix}checkpoint:</c>.</summary>
    public string ChunkPrefix { get; }

    /// <summary>String holding the id of the coordinator allowed to compact, with a TTL.</summary>
    public string CompactionLease { get; }

    /// <summary>
    /// <c>{prefix}checkpoint:{seq}:{id}:{index}</c>. The write id keeps two writers of the same seq (a lease that
    /// expired mid-write) from mixing or deleting each other's chunks.
    /// </summary>
    public string Chunk(long seq, string id, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{ChunkPrefix}{seq}:{id}:{index}");
}
