using System.Text.Json;
using KvCluster.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace KvCluster.ServiceDefaults.Health;

/// <summary>
/// /health's body: the overall status and, per check, its status and why — "Unhealthy" alone does not say that
/// Redis refused the password or that the node is rebuilding. The status code stays what probes look at. The why names
/// hosts and ports, so with client tokens on, only an admin token's request gets it; /health itself stays open.
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
        bool explained = MayReadWhy(context);
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", entry.Status.ToString());
            if (explained && Describe(entry) is { } description) json.WriteString("description", description);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    // Tokens off, the service listens on loopback alone (it refuses to start otherwise), so whoever asks is local.
    private static bool MayReadWhy(HttpContext context) =>
        context.RequestServices.GetService<IOptions<KvAuthOptions>>()?.Value.Enabled != true
        || (KvRoles.TryParse(context.User.FindFirst(KvRoles.RoleClaim)?.Value, out var role) && role == KvRole.Admin);

    // A check that threw (the Redis client's does when it cannot connect) has only its exception to say why, and the
    // outer message may not name the cause ("AuthenticationFailure" for a certificate Redis's client did not trust).
    private static string? Describe(HealthReportEntry entry)
    {
        string? description = entry.Description ?? entry.Exception?.Message;
        string? cause = entry.Exception?.GetBaseException().Message;
        if (description is null || cause is null || description.Contains(cause, StringComparison.Ordinal)) return description ?? cause;
        return $"{description} Cause: {cause}";
    }
}
