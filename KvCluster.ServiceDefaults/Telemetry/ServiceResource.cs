using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Resources;

namespace KvCluster.ServiceDefaults.Telemetry;

/// <summary>Who is sending the telemetry: service.name and the other resource attributes.</summary>
internal static class ServiceResource
{
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";

    public static void Configure(ResourceBuilder resource, IConfiguration configuration, IHostEnvironment environment)
    {
        // The SDK's default resource already reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES from
        // the container's IConfiguration; name the service after the application when neither says.
        if (string.IsNullOrWhiteSpace(configuration[ServiceNameKey]))
        {
            resource.AddService(environment.ApplicationName);
        }
    }
}
