using System.Runtime.InteropServices;

namespace KvCluster.AppHost.Local;

/// <summary>The AppHost in a terminal: start the cluster, print where it listens, run until Ctrl+C or SIGTERM, stop it all.</summary>
public static class ClusterConsole
{
    public const int ExitStopped = 0;
    public const int ExitFailed = 1;
    public const int ExitRedisMissing = 3;

    public static async Task<int> RunAsync(ClusterOptions options, bool verbose, TextWriter output, TextWriter error)
    {
        using var stopping = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // We exit on our own, once every child is gone.
            stopping.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        var filter = new ConsoleOutputFilter(verbose);
        options = options with
        {
            Output = line =>
            {
                if (filter.ShouldShow(line)) output.WriteLine(line);
            },
        };

        var redis = options.RedisConnection ?? $"a private redis-server on 127.0.0.1:{options.RedisPort} (appendfsync {options.Fsync})";
        output.WriteLine($"Starting {redis}, a coordinator and {options.Nodes} node(s); state in {Path.GetFullPath(options.StateDirectory)}");

        LocalCluster cluster;
        try
        {
            cluster = await LocalCluster.StartAsync(options, stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            output.WriteLine("Stopped before the cluster was ready.");
            return ExitStopped;
        }
        catch (RedisServerNotFoundException e)
        {
            error.WriteLine(e.Message);
            return ExitRedisMissing;
        }
        catch (Exception e) when (e is ChildNotReadyException or FileNotFoundException or DirectoryNotFoundException
                                       or InvalidOperationException or TimeoutException or ArgumentException or IOException)
        {
            error.WriteLine($"The cluster did not start. {e.Message}");
            return ExitFailed;
        }

        await using (cluster.ConfigureAwait(false))
        {
            WriteTable(cluster, output);
            output.WriteLine("Press Ctrl+C to stop. " + AdminCommands.Help);
            var commands = AdminCommands.RunAsync(Console.In, cluster, output, stopping.Token);
            try
            {
                await Task.Delay(Timeout.Infinite, stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                output.WriteLine("Stopping...");
            }
            await commands.ConfigureAwait(false);
        }
        output.WriteLine("Stopped.");
        return ExitStopped;
    }

    private static void WriteTable(LocalCluster cluster, TextWriter output)
    {
        var rows = new List<(string Id, string Endpoint, string Pid)>
        {
            ("redis", cluster.RedisConnectionString, cluster.Redis?.ProcessId?.ToString() ?? "external"),
        };
        foreach (var child in (ChildService[])[cluster.Coordinator, .. cluster.Nodes])
        {
            rows.Add((child.Name, child.Url.GetLeftPart(UriPartial.Authority), child.ProcessId?.ToString() ?? "-"));
        }
        int idWidth = Math.Max(2, rows.Max(row => row.Id.Length)) + 2;
        int endpointWidth = Math.Max(3, rows.Max(row => row.Endpoint.Length)) + 2;

        output.WriteLine();
        output.WriteLine($"{"id".PadRight(idWidth)}{"url".PadRight(endpointWidth)}pid");
        foreach (var (id, endpoint, pid) in rows) output.WriteLine($"{id.PadRight(idWidth)}{endpoint.PadRight(endpointWidth)}{pid}");
        output.WriteLine();
        output.WriteLine($"Endpoints: {cluster.EndpointsFilePath}");
    }
}
