using System.Globalization;
using KvCluster.Log.Membership;

namespace KvCluster.Coordinator.Compaction;

/// <summary>
/// Fetches a fresh snapshot from a healthy node (GET /v1/internal/snapshot): the coordinator holds no state of
/// its own, so a checkpoint is a node's snapshot copied into Redis.
/// </summary>
public sealed class SnapshotSource(IHttpClientFactory httpClients)
{
    public const string SeqHeader = "X-Kv-Snapshot-Seq";
    public const string ChainHashHeader = "X-Kv-Chain-Hash";

    /// <summary>A response whose body is the snapshot; dispose it when copied.</summary>
    public async Task<NodeSnapshot> FetchAsync(ClusterMember member, CancellationToken cancellationToken)
    {
        var http = httpClients.CreateClient(nameof(SnapshotSource));
        var response = await http.GetAsync(new Uri(new Uri(member.Url), "/v1/internal/snapshot"), HttpCompletionOption.ResponseHeadersRead,
            cancellationToken).ConfigureAwait(false);
        try
        {
            response.EnsureSuccessStatusCode();
            long seq = long.Parse(response.Headers.GetValues(SeqHeader).Single(), CultureInfo.InvariantCulture);
            string chainHash = response.Headers.GetValues(ChainHashHeader).Single();
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new NodeSnapshot(member.Id, seq, chainHash, body, response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}

/// <summary>A node's snapshot at <see cref="Seq"/> being received.</summary>
public sealed class NodeSnapshot(string nodeId, long seq, string chainHash, Stream body, IDisposable response) : IDisposable
{
    public string NodeId { get; } = nodeId;
    public long Seq { get; } = seq;
    public string ChainHash { get; } = chainHash;
    public Stream Body { get; } = body;

    public void Dispose()
    {
        Body.Dispose();
        response.Dispose();
    }
}
