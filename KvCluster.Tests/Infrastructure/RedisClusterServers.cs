using System.Diagnostics;
using System.Globalization;
using KvCluster.Bench.Ports;

namespace KvCluster.Tests.Infrastructure;

/// <summary>
/// A Redis Cluster of three masters for one test: three <c>redis-server --cluster-enabled yes</c> on 127.0.0.1,
/// joined by <c>redis-cli --cluster create</c>, ready once every master says <c>cluster_state:ok</c>. Clients get only
/// the seeds (<see cref="SeedConnectionString"/>) and learn the slots from the cluster. Killed and deleted on dispose.
/// </summary>
public sealed class RedisClusterServers : IAsyncDisposable
{
    public const int Masters = 3;
    private static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(30);

    private readonly List<RedisServerProcess> _servers;
    private readonly string _directory;

    private RedisClusterServers(List<RedisServerProcess> servers, string directory)
    {
        _servers = servers;
        _directory = directory;
    }

    /// <summary>The masters' client ports.</summary>
    public IReadOnlyList<int> Ports => [.. _servers.Select(server => server.Port)];

    /// <summary>Every master as a seed, StackExchange format: <c>127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3</c>.</summary>
    public string SeedConnectionString => string.Join(',', Ports.Select(port => $"127.0.0.1:{port}"));

    public static async Task<RedisClusterServers> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "kvcluster-redis-cluster-" + Guid.NewGuid().ToString("N")[..12]);
        // Client ports, then the cluster bus ports: named, so that neither lands in the ephemeral range (the bus's
        // default, client port + 10000, would) where an outgoing connection could take it first.
        int first = PortAllocator.FindFreeRange(2 * Masters);
        var servers = Enumerable.Range(0, Masters).Select(i => new RedisServerProcess(new RedisServerOptions
        {
            Port = first + i,
            DataDirectory = Path.Combine(directory, $"master-{i + 1}"),
            AppendOnly = false,
            ExtraArguments =
            [
                "--cluster-enabled", "yes",
                "--cluster-config-file", Path.Combine(directory, $"master-{i + 1}", "nodes.conf"),
                "--cluster-port", (first + Masters + i).ToString(CultureInfo.InvariantCulture),
            ],
        })).ToList();
        var cluster = new RedisClusterServers(servers, directory);
        try
        {
            await Task.WhenAll(servers.Select(server => server.StartAsync())).ConfigureAwait(false);
            await RedisCli.RunAsync(["--cluster", "create", .. cluster.Ports.Select(port => $"127.0.0.1:{port}"),
                "--cluster-replicas", "0", "--cluster-yes"], FormTimeout).ConfigureAwait(false);
            await cluster.WaitUntilFormedAsync().ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The keys each master holds, by its port (<c>redis-cli --scan</c>).</summary>
    public async Task<IReadOnlyDictionary<int, string[]>> KeysByMasterAsync()
    {
        var keys = new Dictionary<int, string[]>();
        foreach (int port in Ports) keys[port] = [.. (await RedisCli.RunAsync(Arguments(port, "--scan")).ConfigureAwait(false)).Lines];
        return keys;
    }

    /// <summary>The hash slot Redis Cluster puts <paramref name="key"/> in (<c>CLUSTER KEYSLOT</c>).</summary>
    public async Task<int> KeySlotAsync(string key)
    {
        var answer = await RedisCli.RunAsync(Arguments(Ports[0], "CLUSTER", "KEYSLOT", key)).ConfigureAwait(false);
        return int.Parse(answer.Output.Trim(), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            server.Kill();
            await server.DisposeAsync().ConfigureAwait(false);
        }
        try
        {
            if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still being closed by a server just killed; the temp directory is cleaned eventually.
        }
    }

    // --cluster create returns once the slots are assigned; each master says ok only when it sees every slot served.
    private async Task WaitUntilFormedAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var states = new List<string>();
            bool formed = true;
            foreach (int port in Ports)
            {
                var info = (await RedisCli.RunAsync(Arguments(port, "CLUSTER", "INFO")).ConfigureAwait(false)).Lines;
                states.Add($"{port}: {string.Join(' ', info.Where(line => line.StartsWith("cluster_state", StringComparison.Ordinal) ||
                    line.StartsWith("cluster_known_nodes", StringComparison.Ordinal)))}");
                formed &= info.Contains("cluster_state:ok") && info.Contains($"cluster_known_nodes:{Masters}");
            }
            if (formed) return;
            if (clock.Elapsed > FormTimeout)
                throw new TimeoutException($"The Redis Cluster did not form within {FormTimeout.TotalSeconds:0} s: {string.Join("; ", states)}");
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    private static string[] Arguments(int port, params string[] command) =>
        ["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), .. command];
}
