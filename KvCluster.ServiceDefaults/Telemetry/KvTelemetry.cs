using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace KvCluster.ServiceDefaults.Telemetry;

/// <summary>The activity source and meter KvCluster's own code records to; ServiceDefaults subscribes to both.</summary>
public static class KvTelemetry
{
    public const string Name = "KvCluster";

    /// <summary>Every source and meter of KvCluster's own that the services export (Redis's spans come with AddRedisClient).</summary>
    public static readonly string[] Names = [Name];

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);
}
