namespace KvCluster.ServiceDefaults.Telemetry;

/// <summary>
/// The activity sources and meters .NET and ASP.NET Core already emit, which the (unavailable)
/// instrumentation packages would otherwise subscribe to for us.
/// </summary>
internal static class TelemetrySourceNames
{
    public static readonly string[] Traces = ["Microsoft.AspNetCore", "System.Net.Http"];

    public static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Net.Http",
        "System.Runtime",
    ];
}
