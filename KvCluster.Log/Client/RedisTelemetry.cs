using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace KvCluster.Log.Client;

/// <summary>
/// The Redis client's activity source and meter. RedisLog does not depend on ServiceDefaults, so they have a
/// name of their own, which ServiceDefaults subscribes to alongside "KvCluster".
/// </summary>
public static class RedisTelemetry
{
    public const string Name = "KvCluster.Redis";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);
}
