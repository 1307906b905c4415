using Microsoft.Extensions.Configuration;

namespace KvCluster.ServiceDefaults.Telemetry;

/// <summary>The OTLP settings that decide whether telemetry is exported at all.</summary>
internal static class OtlpExportSettings
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static bool IsEnabled(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[EndpointKey]);
}
