using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using KvCluster.ServiceDefaults.Diagnostics;
using StackExchange.Redis;

namespace KvCluster.Bench.Running;

/// <summary>
/// The processes a run reads at the start and the end of its measured window, so the report can say what one
/// operation cost each of them: the load generator itself, KvCluster services (GET /v1/runtime) and a Redis
/// server and the rewrites it forks (INFO cpu). A process that cannot be read is left out of that reading, not the run.
/// </summary>
public sealed class ProcessWatch : IAsyncDisposable
{
    public const string LoadGenerator = "load generator";
    public const string Redis = "redis";
    public const string RedisRewrites = "redis rewrites";

    // Relative to a service's base URL, so a base URL with a path keeps it.
    private static readonly string RuntimePath = Microsoft.Extensions.Hosting.Extensions.RuntimeEndpointPath.TrimStart('/');

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
    private readonly IReadOnlyList<Uri> _services;
    private readonly string? _redis;
    private ConnectionMultiplexer? _redisConnection;

    /// <param name="services">Base URLs of KvCluster nodes or coordinators.</param>
    /// <param name="redis">A Redis connection string ("127.0.0.1:6379"), or null.</param>
    public ProcessWatch(IEnumerable<Uri> services, string? redis)
    {
        _services = [.. services.Distinct()];
        _redis = redis;
    }

    public async Task<IReadOnlyList<ProcessReading>> ReadAsync(CancellationToken cancellationToken)
    {
        var self = ProcessRuntime.Now(LoadGenerator);
        var readings = new List<ProcessReading> { new(LoadGenerator, Stopwatch.GetTimestamp(), self.CpuMilliseconds, self) };
        foreach (var service in _services)
        {
            if (await TryReadServiceAsync(service, cancellationToken).ConfigureAwait(false) is { } reading) readings.Add(reading);
        }
        if (_redis is not null) readings.AddRange(await TryReadRedisAsync(_redis, cancellationToken).ConfigureAwait(false));
        return readings;
    }

    private async Task<ProcessReading?> TryReadServiceAsync(Uri service, CancellationToken cancellationToken)
    {
        try
        {
            var runtime = await _http.GetFromJsonAsync(new Uri(service, RuntimePath), ProcessRuntimeJsonContext.Default.ProcessRuntime,
                cancellationToken).ConfigureAwait(false);
            return runtime is null ? null : new ProcessReading(runtime.Service, Stopwatch.GetTimestamp(), runtime.CpuMilliseconds, runtime);
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException
                                    || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    // Redis's own process, and apart from it the children it forked (AOF rewrites), which run on the same cores:
    // their CPU is counted when a child ends, so a window holds a whole rewrite or none of it.
    private async Task<IReadOnlyList<ProcessReading>> TryReadRedisAsync(string redis, CancellationToken cancellationToken)
    {
        try
        {
            // INFO is an admin command to StackExchange.Redis: without AllowAdmin it refuses to send it.
            _redisConnection ??= await ConnectionMultiplexer.ConnectAsync(redis, options => options.AllowAdmin = true)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            var server = _redisConnection.GetServer(_redisConnection.GetEndPoints()[0]);
            string text = await server.InfoRawAsync("cpu").WaitAsync(cancellationToken).ConfigureAwait(false) ?? "";
            long now = Stopwatch.GetTimestamp();
            return
            [
                new ProcessReading(Redis, now, RedisCpuMilliseconds(text), null),
                new ProcessReading(RedisRewrites, now, RedisCpuMilliseconds(text, children: true), null),
            ];
        }
        catch (Exception e) when (e is RedisException or FormatException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return [];
        }
    }

    /// <summary>
    /// CPU time from INFO cpu ("used_cpu_sys:1.25" and "used_cpu_user:…", seconds): the main process's, or with
    /// <paramref name="children"/> that of the children it forked and waited for ("used_cpu_sys_children", …).
    /// </summary>
    public static double RedisCpuMilliseconds(string info, bool children = false)
    {
        string sys = children ? "used_cpu_sys_children" : "used_cpu_sys";
        string user = children ? "used_cpu_user_children" : "used_cpu_user";
        double seconds = 0;
        int found = 0;
        foreach (string line in info.Split('\n'))
        {
            var (name, value) = line.Split(':', 2) is [var n, var v] ? (n.Trim(), v.Trim()) : ("", "");
            if (name != sys && name != user) continue;
            seconds += double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
            found++;
        }
        return found == 2 ? seconds * 1000 : throw new FormatException($"INFO cpu has no {sys} and {user}.");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_redisConnection is not null) await _redisConnection.DisposeAsync().ConfigureAwait(false);
    }
}
