using System.Text.Json;
using System.Text.Json.Serialization;

namespace KvCluster.Hosting;

/// <summary>
/// Where a running cluster listens, as scripts and tools read it from {state-dir}/endpoints.json: Redis's connection
/// string (with its password), and with --auth the admin token (<c>Authorization: Bearer {token}</c>).
/// </summary>
/// <param name="Redis">Redis's connection string.</param>
/// <param name="Coordinator">The coordinator's URL.</param>
/// <param name="Nodes">The running nodes.</param>
public sealed record ClusterEndpoints(
    [property: JsonPropertyName("redis")] string Redis,
    [property: JsonPropertyName("coordinator")] Uri Coordinator,
    [property: JsonPropertyName("nodes")] IReadOnlyList<NodeEndpoint> Nodes)
{
    /// <summary>The admin token, with --auth.</summary>
    [JsonPropertyName("token")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Token { get; init; }
}

/// <summary>One running node in endpoints.json.</summary>
/// <param name="Id">The node's id, node-1.</param>
/// <param name="Url">The node's URL.</param>
public sealed record NodeEndpoint(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("url")] Uri Url);

/// <summary>
/// Reads and writes endpoints.json; writing replaces the file at once, so a reader never sees half of it. The file holds
/// secrets, so only its owner may read it (0600).
/// </summary>
public static class EndpointsFile
{
    /// <summary>The file's name in the state directory.</summary>
    public const string FileName = "endpoints.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Replaces the file at <paramref name="path"/> with <paramref name="endpoints"/>.</summary>
    public static async Task WriteAsync(string path, ClusterEndpoints endpoints, CancellationToken cancellationToken = default)
    {
        var temporary = path + ".tmp";
        await using (var stream = OwnerOnlyFile.CreateTemporary(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, endpoints, Json, cancellationToken).ConfigureAwait(false);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The endpoints in the file at <paramref name="path"/>.</summary>
    public static async Task<ClusterEndpoints> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<ClusterEndpoints>(stream, Json, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"{path} is empty.");
    }
}
