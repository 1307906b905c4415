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

    /// <summary>The plain port; 0 for a server started with <see cref="StartWithTlsAsync"/>.</summary>
    public int Port => Process.Port;

    /// <summary>The TLS port, when the server serves TLS.</summary>
    public int? TlsPort => Process.Options.Tls?.Port;

    /// <summary>The CA the server's certificate is signed by, when it serves TLS.</summary>
    public TestCertificateAuthority? Certificates => Process.Options.Tls?.Certificates;

    /// <summary>StackExchange-format connection string (with the password when one is set).</summary>
    public string ConnectionString => Process.ConnectionString;

    /// <summary>Like <see cref="StartAsync"/>, on a port the test chose (e.g. one a client already waits on).</summary>
    public static Task<RedisTestServer> StartOnPortAsync(int port, string? password = null) =>
        StartAsync(password, port: port);

    /// <param name="password">requirepass for the default user.</param>
    /// <param name="extraArguments">More redis-server arguments; may use <paramref name="prepare"/>'s files.</param>
    /// <param name="prepare">Runs on the temp directory before the server starts (e.g. to write TLS certificates).</param>
    public static Task<RedisTestServer> StartAsync(
        string? password = null,
        IReadOnlyList<string>? extraArguments = null,
        Func<string, IReadOnlyList<string>>? prepare = null,
        int? port = null) =>
        StartWithOptionsAsync(directory =>
        {
            var arguments = new List<string>(extraArguments ?? []);
            if (prepare is not null) arguments.AddRange(prepare(directory));
            return Defaults(directory) with { Port = port ?? FreePorts.GetFreeTcpPort(), Password = password, ExtraArguments = arguments };
        });

    /// <summary>
    /// A server that speaks TLS only (no plain port), with a certificate for localhost and 127.0.0.1 signed by a new
    /// private CA (<see cref="Certificates"/>); <see cref="ConnectionString"/> says ssl=true.
    /// </summary>
    /// <param name="password">requirepass for the default user.</param>
    /// <param name="extraArguments">More redis-server arguments, e.g. ACL users.</param>
    public static Task<RedisTestServer> StartWithTlsAsync(string? password = null, IReadOnlyList<string>? extraArguments = null) =>
        StartWithOptionsAsync(directory => Defaults(directory) with
        {
            Port = 0,
            Tls = new RedisTlsOptions(FreePorts.GetFreeTcpPort(), TestCertificateAuthority.WriteTo(Path.Combine(directory, "tls"))),
            Password = password,
            ExtraArguments = extraArguments ?? [],
        });

    private static RedisServerOptions Defaults(string directory) => new()
    {
        Port = 0,
        DataDirectory = Path.Combine(directory, "data"),
        AppendOnly = false, // tests that need durability can say so; this keeps restarts fast
    };

    private static async Task<RedisTestServer> StartWithOptionsAsync(Func<string, RedisServerOptions> options)
    {
        var directory = Path.Combine(Path.GetTempPath(), "kvcluster-redis-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            var process = new RedisServerProcess(options(directory));
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
