using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace KvCluster.ServiceDefaults.Discovery;

/// <summary>
/// Resolves a logical service URI (<c>http://coordinator</c>) to the base URIs configured the way .NET Aspire
/// hands them to a service: <c>services:{name}:{endpoint}:{i}</c> (environment
/// <c>services__coordinator__http__0</c>) or, without an endpoint name, <c>services:{name}:{i}</c>.
/// </summary>
/// <remarks>
/// The URI scheme picks the endpoint name: <c>http</c>, <c>https</c>, or <c>https+http</c> (https preferred).
/// A host of the form <c>_name.service</c> picks the endpoint called <c>name</c> explicitly.
/// Results are cached until the configuration reloads.
/// </remarks>
public sealed class ServiceEndpointResolver
{
    private const string ServicesSection = "services";

    private readonly IConfiguration _configuration;
    private readonly ConcurrentDictionary<(string Scheme, string Host), IReadOnlyList<Uri>> _cache = new();

    public ServiceEndpointResolver(IConfiguration configuration)
    {
        _configuration = configuration;
        ChangeToken.OnChange(configuration.GetReloadToken, _cache.Clear);
    }

    /// <summary>The endpoints of the service <paramref name="serviceUri"/> names; empty when it names none.</summary>
    public IReadOnlyList<Uri> Resolve(Uri serviceUri)
    {
        if (!serviceUri.IsAbsoluteUri)
        {
            return [];
        }

        return _cache.GetOrAdd((serviceUri.Scheme, serviceUri.Host), static (key, configuration) => ResolveUncached(configuration, key.Scheme, key.Host), _configuration);
    }

    /// <summary>The endpoints of <paramref name="serviceName"/> named <paramref name="endpointName"/> (<c>http</c>, <c>https</c>, <c>https+http</c>).</summary>
    public IReadOnlyList<Uri> Resolve(string serviceName, string endpointName = "http") =>
        Resolve(new Uri($"{endpointName}://{serviceName}"));

    private static IReadOnlyList<Uri> ResolveUncached(IConfiguration configuration, string scheme, string host)
    {
        var (serviceName, explicitEndpoint) = SplitHost(host);
        var service = configuration.GetSection(ServicesSection).GetSection(serviceName);

        if (explicitEndpoint is not null)
        {
            return ReadNamed(service, explicitEndpoint);
        }

        foreach (var endpointName in scheme.Split('+'))
        {
            var named = ReadNamed(service, endpointName);
            if (named.Count > 0)
            {
                return named;
            }
        }

        return ReadUnnamed(service, defaultScheme: scheme.Split('+')[0]);
    }

    private static (string ServiceName, string? EndpointName) SplitHost(string host)
    {
        if (host.StartsWith('_'))
        {
            var dot = host.IndexOf('.');
            if (dot > 1 && dot < host.Length - 1)
            {
                return (host[(dot + 1)..], host[1..dot]);
            }
        }

        return (host, null);
    }

    private static IReadOnlyList<Uri> ReadNamed(IConfigurationSection service, string endpointName) =>
        ReadList(service.GetSection(endpointName), defaultScheme: endpointName);

    private static IReadOnlyList<Uri> ReadUnnamed(IConfigurationSection service, string defaultScheme) =>
        ReadList(service, defaultScheme);

    /// <summary>Reads the numbered children <c>0</c>, <c>1</c>, … in order; other children are endpoint names.</summary>
    private static IReadOnlyList<Uri> ReadList(IConfigurationSection list, string defaultScheme)
    {
        var endpoints = new List<(int Index, Uri Uri)>();
        foreach (var child in list.GetChildren())
        {
            if (int.TryParse(child.Key, out var index) && TryParseEndpoint(child.Value, defaultScheme, out var uri))
            {
                endpoints.Add((index, uri));
            }
        }

        endpoints.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        return endpoints.ConvertAll(static e => e.Uri);
    }

    /// <summary>Accepts <c>http://host:port</c> and, as Aspire does, a bare <c>host:port</c>.</summary>
    private static bool TryParseEndpoint(string? value, string defaultScheme, out Uri uri)
    {
        uri = null!;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        if (value.Contains("://", StringComparison.Ordinal))
        {
            return Uri.TryCreate(value, UriKind.Absolute, out uri!);
        }

        var scheme = defaultScheme is "http" or "https" ? defaultScheme : "http";
        return Uri.TryCreate($"{scheme}://{value}", UriKind.Absolute, out uri!);
    }
}
