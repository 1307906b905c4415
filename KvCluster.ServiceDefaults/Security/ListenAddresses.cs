using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace KvCluster.ServiceDefaults.Security;

/// <summary>
/// Where the service will listen, as its configuration says (urls / ASPNETCORE_URLS, http_ports / https_ports,
/// Kestrel:Endpoints): with client tokens off, only loopback addresses are allowed.
/// </summary>
public static class ListenAddresses
{
    /// <summary>The first configured address reachable from other machines, or null when all are loopback (or none is set: Kestrel's default is localhost).</summary>
    public static string? FirstNonLoopback(IConfiguration configuration)
    {
        string[] urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // Ports alone (the ASP.NET Core container images set ASPNETCORE_HTTP_PORTS) bind every interface, unless urls
        // are given, which Kestrel takes instead.
        foreach (string key in urls.Length > 0 ? [] : new[] { "http_ports", "https_ports" })
        {
            if (!string.IsNullOrWhiteSpace(configuration[key])) return $"{key}={configuration[key]} (every interface)";
        }
        return urls.Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>())
            .FirstOrDefault(url => !IsLoopback(url));
    }

    public static bool IsLoopback(string url)
    {
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return false;
        }
        if (address.IsUnixPipe || address.IsNamedPipe) return true;
        string host = address.Host.Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
