using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace KvCluster.ServiceDefaults.Discovery;

/// <summary>
/// Which endpoint of a service to try next: round robin, skipping endpoints that recently refused a
/// connection. Shared by every handler, because HttpClientFactory recycles handlers every few minutes.
/// </summary>
public sealed class EndpointRotation(TimeProvider time)
{
    /// <summary>How long an endpoint that refused a connection is tried only as a last resort.</summary>
    public static readonly TimeSpan QuarantineDuration = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, StrongBox<uint>> _cursors = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Uri, long> _quarantinedUntil = new();

    public EndpointRotation() : this(TimeProvider.System)
    {
    }

    /// <summary>
    /// Every endpoint, in the order to try them for one request: healthy ones first, starting one past
    /// where the previous request started; quarantined ones last, so a request is never refused untried.
    /// </summary>
    public IReadOnlyList<Uri> Order(string serviceKey, IReadOnlyList<Uri> endpoints)
    {
        if (endpoints.Count <= 1)
        {
            return endpoints;
        }

        var cursor = _cursors.GetOrAdd(serviceKey, static _ => new StrongBox<uint>());
        var start = (int)((Interlocked.Increment(ref cursor.Value) - 1) % (uint)endpoints.Count);
        var now = time.GetTimestamp();

        var ordered = new List<Uri>(endpoints.Count);
        List<Uri>? quarantined = null;
        for (var i = 0; i < endpoints.Count; i++)
        {
            var endpoint = endpoints[(start + i) % endpoints.Count];
            if (IsQuarantined(endpoint, now))
            {
                (quarantined ??= []).Add(endpoint);
            }
            else
            {
                ordered.Add(endpoint);
            }
        }

        if (quarantined is not null)
        {
            ordered.AddRange(quarantined);
        }

        return ordered;
    }

    public void ReportConnectFailure(Uri endpoint) =>
        _quarantinedUntil[endpoint] = time.GetTimestamp() + (long)(QuarantineDuration.TotalSeconds * time.TimestampFrequency);

    public void ReportSuccess(Uri endpoint) => _quarantinedUntil.TryRemove(endpoint, out _);

    private bool IsQuarantined(Uri endpoint, long now)
    {
        if (!_quarantinedUntil.TryGetValue(endpoint, out var until))
        {
            return false;
        }

        if (until > now)
        {
            return true;
        }

        _quarantinedUntil.TryRemove(KeyValuePair.Create(endpoint, until));
        return false;
    }
}
