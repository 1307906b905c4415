namespace KvCluster.Log.Entries;

/// <summary>What a log entry does to the key it names.</summary>
public enum LogOperation : byte
{
    Put = 1,
    Delete = 2,
}
