namespace KvCluster.ServiceDefaults.Telemetry;

/// <summary>
/// The activity sources and meters .NET and ASP.NET Core already emit, which the (unavailable)
/// instrumentation packages would otherwise subscribe to for us, and the Redis client's, which lives in
/// a library that does not reference ServiceDefaults (KvCluster.RedisLog's RedisTelemetry).
/// </summary>
internal static class TelemetrySourceNames
{
    public const string RedisClient = "KvCluster.Redis";

    public static readonly string[] Traces = ["Microsoft.AspNetCore", "System.Net.Http", RedisClient];

    public static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Net.Http",
        "System.Runtime",
        RedisClient,
    ];
}
