using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KvCluster.ServiceDefaults.Health;

/// <summary>
/// /health's body: the overall status and, per check, its status and why — "Unhealthy" alone does not say that
/// Redis refused the password or that the node is rebuilding. The status code stays what probes look at.
/// </summary>
public static class HealthReportWriter
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", entry.Status.ToString());
            // A check that threw (the Redis client's does when it cannot connect) has only its exception to say why.
            if ((entry.Description ?? entry.Exception?.Message) is { } description) json.WriteString("description", description);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
