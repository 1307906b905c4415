using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace KvCluster.Tests.Jepsen;

internal sealed partial class WorkloadClient
{
    /// <summary>A lease granted when this client's earliest possible expiry time (µs) was <paramref name="ExpiresAfter"/>.</summary>
    private sealed record GrantedLease(string Id, long ExpiresAfter);

    /// <summary>
    /// Grants a lease of <see cref="WorkloadOptions.LeaseTtl"/> that nobody keeps alive, so it expires during the run and
    /// deletes the key attached to it. Its deadline is set in Redis after this call began, so it cannot expire before the
    /// call's time plus the TTL. Null when the grant failed (the put then goes without a lease).
    /// </summary>
    private async Task<GrantedLease?> GrantLeaseAsync(int node)
    {
        long call = Now;
        long ttlSeconds = (long)options.LeaseTtl.TotalSeconds;
        try
        {
            using var response = await nodes[node].PostAsync("/v1/leases", new StringContent(
                "{\"ttlSeconds\": " + ttlSeconds.ToString(CultureInfo.InvariantCulture) + "}", Encoding.UTF8, "application/json")).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Created) return null;
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
            // A little early: Redis's clock and this one are the same wall clock read at slightly different moments.
            return new GrantedLease(answer.RootElement.GetProperty("id").GetString()!, call + ttlSeconds * 1_000_000 - 50_000);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>A put attached to <paramref name="lease"/>; 404 once the lease has expired (the put then had no effect).</summary>
    private Task<RecordedOperation> LeasedPutAsync(int index, int node, string key, GrantedLease lease)
    {
        int n = ++_written;
        return WriteAsync(new RecordedOperation
        {
            Index = index, Client = id, Node = node, Kind = OperationKind.Put, Key = key, Value = $"l{id}-{n}", Lease = lease.Id,
            LeaseExpiresAfter = lease.ExpiresAfter, IdempotencyKey = $"l{options.Seed}-c{id}-{n}", Call = Now,
        });
    }
}
