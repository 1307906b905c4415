using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace KvCluster.ServiceDefaults.Telemetry;

/// <summary>The activity source and meter KvCluster's own code records to; ServiceDefaults subscribes to both.</summary>
public static class KvTelemetry
{
    public const string Name = "KvCluster";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);
}
