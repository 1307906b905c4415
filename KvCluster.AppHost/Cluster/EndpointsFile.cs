using System.Text.Json;
using System.Text.Json.Serialization;

namespace KvCluster.AppHost.Cluster;

/// <summary>
/// Where a running cluster listens, as scripts and tools read it from {state-dir}/endpoints.json: Redis's connection
/// string (with its password), and with --auth the admin token (<c>Authorization: Bearer {token}</c>).
/// </summary>
public sealed record ClusterEndpoints(
    [property: JsonPropertyName("redis")] string Redis,
    [property: JsonPropertyName("coordinator")] Uri Coordinator,
    [property: JsonPropertyName("nodes")] IReadOnlyList<NodeEndpoint> Nodes)
{
    [JsonPropertyName("token")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Token { get; init; }
}

public sealed record NodeEndpoint(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("url")] Uri Url);

/// <summary>
/// Reads and writes endpoints.json; writing replaces the file at once, so a reader never sees half of it. The file holds
/// secrets, so only its owner may read it (0600).
/// </summary>
public static class EndpointsFile
{
    public const string FileName = "endpoints.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static async Task WriteAsync(string path, ClusterEndpoints endpoints, CancellationToken cancellationToken = default)
    {
        var temporary = path + ".tmp";
        await using (var stream = OwnerOnlyFile.CreateTemporary(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, endpoints, Json, cancellationToken).ConfigureAwait(false);
        }
        File.Move(temporary, path, overwrite: true);
    }

    public static async Task<ClusterEndpoints> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<ClusterEndpoints>(stream, Json, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"{path} is empty.");
    }
}
