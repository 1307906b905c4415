using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;

namespace KvCluster.Client;

public sealed partial class KvClient
{
    private const long MaxLeaseTtlSeconds = 86_400;

    /// <inheritdoc />
    public async Task<KvLease> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        long seconds = (long)Math.Ceiling(ttl.TotalSeconds);
        if (seconds is < 1 or > MaxLeaseTtlSeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, $"A lease's TTL is from 1 s to {MaxLeaseTtlSeconds} s.");
        }
        // The client names the lease, so a grant retried on another node after a lost answer finds its own lease (409)
        // rather than granting a second one.
        for (int grant = 0; ; grant++)
        {
            string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            using var response = await SendAsync("LEASE GRANT", id, endpoint => new HttpRequestMessage(HttpMethod.Post, NodeUri(endpoint, "v1/leases"))
            {
                Content = JsonContent.Create(new LeaseGrantBody(seconds, id), ClientJsonContext.Default.LeaseGrantBody),
            }, null, cancellationToken).ConfigureAwait(false);
            Observe(response);
            if (response.StatusCode == HttpStatusCode.Created) return new KvLease(this, id, TimeSpan.FromSeconds(seconds));
            if (response.StatusCode != HttpStatusCode.Conflict) throw await ErrorAsync(response, "LEASE GRANT", cancellationToken).ConfigureAwait(false);
            // An earlier attempt of this call reached Redis; whether it also reached the log decides if the lease holds keys.
            if (await LeaseExistsAsync(id, cancellationToken).ConfigureAwait(false)) return new KvLease(this, id, TimeSpan.FromSeconds(seconds));
            if (grant == 2) throw await ErrorAsync(response, "LEASE GRANT", cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> LeaseExistsAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync("LEASE GET", id, endpoint => ReadRequest(endpoint, "v1/leases/" + id, KvConsistency.Linearizable), null,
            cancellationToken).ConfigureAwait(false);
        Observe(response);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>One keep-alive, on whichever node answers: 200, or 404 when the lease is gone.</summary>
    /// <param name="id">The lease.</param>
    /// <param name="interval">The time between keep-alives: an attempt on a node that hangs gives up after it (a second at
    /// least, so a busy node is not taken for a hung one), to leave the other nodes the rest of the TTL.</param>
    /// <param name="cancellationToken">Stops the keep-alive.</param>
    internal async Task<HttpStatusCode> KeepLeaseAliveAsync(string id, TimeSpan interval, CancellationToken cancellationToken)
    {
        using var response = await SendAsync("LEASE KEEPALIVE", id,
            endpoint => new HttpRequestMessage(HttpMethod.Post, NodeUri(endpoint, "v1/leases/" + id + "/keepalive")), null,
            cancellationToken, requestTimeout: TimeSpan.FromTicks(Math.Min(Math.Max(interval.Ticks, TimeSpan.TicksPerSecond), _requestTimeout.Ticks)))
            .ConfigureAwait(false);
        return response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound
            ? response.StatusCode
            : throw await ErrorAsync(response, "LEASE KEEPALIVE " + id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes a lease: its keys are deleted before this returns. False when it was gone already.</summary>
    internal async Task<bool> RevokeLeaseAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync("LEASE REVOKE", id, endpoint => new HttpRequestMessage(HttpMethod.Delete, NodeUri(endpoint, "v1/leases/" + id)),
            null, cancellationToken).ConfigureAwait(false);
        Observe(response);
        return response.StatusCode switch
        {
            HttpStatusCode.NoContent or HttpStatusCode.OK => true,
            HttpStatusCode.NotFound => false,
            _ => throw await ErrorAsync(response, "LEASE REVOKE " + id, cancellationToken).ConfigureAwait(false),
        };
    }

    private static string LeaseQuery(KvWriteOptions? options) =>
        options?.LeaseId is { } lease ? "?lease=" + Uri.EscapeDataString(lease) : "";
}
