using System.Text.Json;
using KvCluster.Tests.Infrastructure;

namespace KvCluster.Tests.Security;

/// <summary>
/// A 1-node cluster started as a user would with <c>--auth --token-file FILE</c>: the generated admin token, and from
/// the file a reader, a writer and a writer limited to <c>app/</c>.
/// </summary>
public sealed class AuthCluster : SharedCluster
{
    public const string Reader = "cluster-reader-secret-7d21";
    public const string Writer = "cluster-writer-secret-c4e9";
    public const string AppWriter = "cluster-app-writer-secret-18fa";

    public AuthCluster() : base(options => options with { Nodes = 1, SpareNodes = 0, Auth = true, TokenFile = WriteTokenFile(options.StateDirectory) })
    {
    }

    // The services read the file as long as they run, so it goes only once they are gone.
    public override async Task DisposeAsync()
    {
        string? tokenFile = Started?.Options.TokenFile;
        await base.DisposeAsync();
        if (tokenFile is not null) File.Delete(tokenFile);
    }

    // Beside the state directory, not in it: the file is the user's, the directory the cluster's.
    private static string TokenFilePath(string stateDirectory) => stateDirectory.TrimEnd(Path.DirectorySeparatorChar) + "-tokens.json";

    private static string WriteTokenFile(string stateDirectory)
    {
        string path = TokenFilePath(stateDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tokens = new Dictionary<string, object>
        {
            ["Tokens"] = new Dictionary<string, object>
            {
                ["reader"] = new { Secret = Reader, Role = "read" },
                ["writer"] = new { Secret = Writer, Role = "write" },
                ["app-writer"] = new { Secret = AppWriter, Role = "write", Prefix = "app/" },
            },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(tokens));
        return path;
    }
}
