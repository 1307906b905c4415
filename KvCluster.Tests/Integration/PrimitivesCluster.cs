using KvCluster.Tests.Infrastructure;

namespace KvCluster.Tests.Integration;

/// <summary>
/// One 3-node cluster for the tests of watch, leases and transactions (<see cref="PrimitivesCollection"/>): starting a
/// cluster is most of such a class's time, so the three share one. For watch: a change journal of 16 changes, so a
/// start a few writes back is already history from Redis; heartbeats every second; node-3 serves at most two watch
/// streams. Each test uses keys of its own.
/// </summary>
public sealed class PrimitivesCluster() : SharedCluster(options => options with
{
    Environment = new Dictionary<string, string>
    {
        ["Kv__Watch__JournalMaxChanges"] = JournalMaxChanges.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Kv__Watch__HeartbeatInterval"] = "00:00:01",
    },
    EnvironmentFor = id => id == "node-3"
        ? new Dictionary<string, string> { ["Kv__Watch__MaxStreams"] = "2" }
        : new Dictionary<string, string>(),
})
{
    public const int JournalMaxChanges = 16;
}
