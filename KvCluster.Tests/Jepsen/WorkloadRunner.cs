using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;

namespace KvCluster.Tests.Jepsen;

/// <summary>What a run produced: every operation (in completion order) and every fault.</summary>
public sealed record WorkloadResult(IReadOnlyList<RecordedOperation> Operations, IReadOnlyList<FaultEvent> Faults, TimeSpan Elapsed);

/// <summary>
/// Runs <see cref="WorkloadOptions.Clients"/> clients against the nodes while the nemeses take turns breaking and
/// repairing the cluster, bounded by the duration and the operation count. Every fault is healed before it returns.
/// </summary>
public static class WorkloadRunner
{
    private static readonly TimeSpan HealTimeout = TimeSpan.FromSeconds(40);

    /// <summary><paramref name="bearerToken"/>: the token every request sends (a cluster with --auth), or none.</summary>
    public static async Task<WorkloadResult> RunAsync(IReadOnlyList<Uri> nodeUrls, WorkloadOptions options, IReadOnlyList<INemesis> nemeses,
        Action<string>? log = null, string? bearerToken = null)
    {
        var seeds = new Random(options.Seed);
        var http = nodeUrls.Select(url => new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(1) })
        {
            BaseAddress = url,
            Timeout = options.RequestTimeout,
            DefaultRequestHeaders = { Authorization = bearerToken is null ? null : new AuthenticationHeaderValue("Bearer", bearerToken) },
        }).ToArray();
        try
        {
            var clock = Stopwatch.StartNew();
            var operations = new ConcurrentQueue<RecordedOperation>();
            var faults = new ConcurrentQueue<FaultEvent>();
            int started = 0;
            // The nemeses may run past the duration (EveryNemesisStrikes); the clients then go on for a quiet stretch after the last heal.
            long runUntilTicks = options.Duration.Ticks;
            bool KeepGoing() => clock.Elapsed.Ticks < Volatile.Read(ref runUntilTicks) && Volatile.Read(ref started) < options.MaxOperations;
            int NextIndex() => Interlocked.Increment(ref started) - 1;

            var clients = Enumerable.Range(0, options.Clients)
                .Select(id => new WorkloadClient(id, http, options, clock, new Random(seeds.Next()), NextIndex, operations.Enqueue))
                .ToArray();
            var running = clients.Select(client => Task.Run(() => client.RunAsync(KeepGoing))).ToArray();
            var nemesis = nemeses.Count == 0 ? Task.CompletedTask : RunNemesesAsync(nemeses, options, new Random(seeds.Next()), clock, faults, log);

            await nemesis.ConfigureAwait(false);
            long afterLastHeal = (clock.Elapsed + options.QuietTime).Ticks;
            if (afterLastHeal > options.Duration.Ticks) Volatile.Write(ref runUntilTicks, afterLastHeal);
            await Task.WhenAll(running).ConfigureAwait(false);
            // Everything is healed: learn what became of the writes the clients gave up on.
            await Task.WhenAll(clients.Select(client => client.ResolveAsync(options.ResolveWindow))).ConfigureAwait(false);
            return new WorkloadResult([.. operations], [.. faults], clock.Elapsed);
        }
        finally
        {
            foreach (var client in http) client.Dispose();
        }
    }

    private static async Task RunNemesesAsync(IReadOnlyList<INemesis> nemeses, WorkloadOptions options, Random random, Stopwatch clock,
        ConcurrentQueue<FaultEvent> faults, Action<string>? log)
    {
        // Turns in a shuffled order, so each nemesis has had one before any has a second.
        var order = nemeses.OrderBy(_ => random.Next()).ToArray();
        for (int turn = 0; ; turn++)
        {
            var quiet = Between(random, options.QuietTime);
            var hold = Between(random, options.FaultTime);
            // Leave time at the end for the cluster to recover while clients still run.
            bool everyOneHadATurn = !options.EveryNemesisStrikes || turn >= order.Length;
            if (everyOneHadATurn && clock.Elapsed + quiet + hold + options.QuietTime > options.Duration) return;
            await Task.Delay(quiet).ConfigureAwait(false);

            var nemesis = order[turn % order.Length];
            long start = clock.Elapsed.Ticks / 10;
            string target = "?";
            try
            {
                target = await nemesis.InjectAsync(random, CancellationToken.None).ConfigureAwait(false);
                log?.Invoke($"nemesis {nemesis.Name}: {target} at {start / 1000} ms");
                await Task.Delay(hold).ConfigureAwait(false);
            }
            finally
            {
                using var healTimeout = new CancellationTokenSource(HealTimeout);
                await nemesis.HealAsync(healTimeout.Token).ConfigureAwait(false);
                long end = clock.Elapsed.Ticks / 10;
                faults.Enqueue(new FaultEvent(nemesis.Name, target, start, end));
                log?.Invoke($"nemesis {nemesis.Name}: {target} healed at {end / 1000} ms");
            }
        }
    }

    private static TimeSpan Between(Random random, TimeSpan most) => most * (0.5 + random.NextDouble() / 2);
}
