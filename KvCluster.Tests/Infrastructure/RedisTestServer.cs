using KvCluster.Tests.Infrastructure;

namespace KvCluster.Tests.Infrastructure;

/// <summary>
/// A real redis-server for one test: a free port, a fresh temp directory, stopped and deleted on dispose.
/// </summary>
public sealed class RedisTestServer : IAsyncDisposable
{
    private RedisTestServer(RedisServerProcess process, string directory)
    {
        Process = process;
        Directory = directory;
    }

    public RedisServerProcess Process { get; }

    /// <summary>The temp directory holding the server's data (and anything else the test puts there).</summary>
    public string Directory { get; }

    public int Port => Process.Port;

    /// <summary>StackExchange-format connection string (with the password when one is set).</summary>
    public string ConnectionString => Process.ConnectionString;

    /// <summary>Like <see cref="StartAsync"/>, on a port the test chose (e.g. one a client already waits on).</summary>
    public static Task<RedisTestServer> StartOnPortAsync(int port, string? password = null) =>
        StartAsync(password, port: port);

    /// <param name="password">requirepass for the default user.</param>
    /// <param name="extraArguments">More redis-server arguments; may use <paramref name="prepare"/>'s files.</param>
    /// <param name="prepare">Runs on the temp directory before the server starts (e.g. to write TLS certificates).</param>
    public static async Task<RedisTestServer> StartAsync(
        string? password = null,
        IReadOnlyList<string>? extraArguments = null,
        Func<string, IReadOnlyList<string>>? prepare = null,
        int? port = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "kvcluster-redis-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            var arguments = new List<string>(extraArguments ?? []);
            if (prepare is not null) arguments.AddRange(prepare(directory));
            var process = new RedisServerProcess(new RedisServerOptions
            {
                Port = port ?? FreePorts.GetFreeTcpPort(),
                DataDirectory = Path.Combine(directory, "data"),
                AppendOnly = false, // tests that need durability can say so; this keeps restarts fast
                Password = password,
                ExtraArguments = arguments,
            });
            var server = new RedisTestServer(process, directory);
            try
            {
                await process.StartAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
            return server;
        }
        catch
        {
            TryDelete(directory);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Tests never need a graceful shutdown; killing is fast and leaves nothing behind.
        Process.Kill();
        await Process.DisposeAsync();
        TryDelete(Directory);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (System.IO.Directory.Exists(directory)) System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp dir is cleaned by the OS eventually.
        }
    }
}
