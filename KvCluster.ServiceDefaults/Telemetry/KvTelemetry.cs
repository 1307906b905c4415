using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace KvCluster.ServiceDefaults.Telemetry;

/// <summary>The activity source and meter KvCluster's own code records to; ServiceDefaults subscribes to both.</summary>
public static class KvTelemetry
{
    public const string Name = "KvCluster";

    /// <summary>
    /// The Redis client's activity source and meter (KvCluster.Log's RedisTelemetry): that library does not
    /// reference ServiceDefaults, so its name is repeated here.
    /// </summary>
    public const string RedisClientName = "KvCluster.Redis";

    /// <summary>Every source and meter of KvCluster's own that the services export.</summary>
    public static readonly string[] Names = [Name, RedisClientName];

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);
}
