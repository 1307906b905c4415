using System.Diagnostics;
using KvCluster.Bench.Targets;
using KvCluster.Bench.Workload;
using StackExchange.Redis;

namespace KvCluster.Bench.Running;

/// <summary>
/// Offers a workload to a target over C connections, each with one request outstanding at a time.
/// Closed loop: a connection sends its next request as soon as the last one is answered.
/// Open loop: requests are due on a fixed schedule (rate / C per connection) and latency counts from when a
/// request was due, not when it went out, so a stall shows as the latency every delayed request saw rather
/// than as one slow sample (no coordinated omission).
/// </summary>
public static class LoadRunner
{
    // How long stragglers may take after the end before the run gives up on them.
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan PrefillLimit = TimeSpan.FromMinutes(5);

    /// <summary>Runs the workload; <paramref name="watch"/>'s processes are read when the measured window starts and ends.</summary>
    public static async Task<RunMeasurement> RunAsync(IBenchTarget target, WorkloadOptions options, CancellationToken cancellationToken,
        ProcessWatch? watch = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (options.Validate() is { } problem) throw new ArgumentException(problem, nameof(options));

        var startedAt = DateTimeOffset.UtcNow;
        var workers = Enumerable.Range(0, options.Connections).Select(_ => new WorkerResults()).ToArray();
        double prefillSeconds = options.Prefill ? await PrefillAsync(target, options, workers, cancellationToken).ConfigureAwait(false) : 0;

        var chooser = KeyChooser.Create(options.Distribution, options.Keys);
        var window = RunWindow.StartingNow(options.WarmupSeconds, options.DurationSeconds);
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hardStop.CancelAfter(TimeSpan.FromSeconds(options.WarmupSeconds + options.DurationSeconds) + StopGrace);

        var loops = workers.Select((worker, connection) => Task.Run(() => options.IsOpenLoop
            ? OpenLoopAsync(target, options, chooser, window, connection, worker, hardStop.Token)
            : ClosedLoopAsync(target, options, chooser, window, connection, worker, hardStop.Token)));
        var readings = watch is null ? null : ReadAtWindowEdgesAsync(watch, window, hardStop.Token);
        await Task.WhenAll(loops).ConfigureAwait(false);
        var (atStart, atEnd) = readings is null ? ([], []) : await readings.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var reads = new Measurement.LatencyHistogram();
        var writes = new Measurement.LatencyHistogram();
        var serviceTime = new Measurement.LatencyHistogram();
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var worker in workers)
        {
            reads.Add(worker.Reads);
            writes.Add(worker.Writes);
            serviceTime.Add(worker.ServiceTime);
            foreach (var (kind, count) in worker.Errors) errors[kind] = errors.GetValueOrDefault(kind) + count;
        }
        return new RunMeasurement(reads, writes, serviceTime, errors, options.DurationSeconds, prefillSeconds,
            workers.Sum(worker => worker.PrefillErrors), startedAt)
        {
            ProcessesAtStart = atStart,
            ProcessesAtEnd = atEnd,
        };
    }

    private static async Task<(IReadOnlyList<ProcessReading> AtStart, IReadOnlyList<ProcessReading> AtEnd)> ReadAtWindowEdgesAsync(
        ProcessWatch watch, RunWindow window, CancellationToken stop)
    {
        try
        {
            await DelayUntilAsync(window.MeasureFrom, stop).ConfigureAwait(false);
            var atStart = await watch.ReadAsync(stop).ConfigureAwait(false);
            await DelayUntilAsync(window.End, stop).ConfigureAwait(false);
            return (atStart, await watch.ReadAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return ([], []);
        }
    }

    /// <summary>Waits until the Stopwatch reads <paramref name="timestamp"/> (at once when it has passed).</summary>
    private static Task DelayUntilAsync(long timestamp, CancellationToken stop)
    {
        long left = timestamp - Stopwatch.GetTimestamp();
        return left > 0 ? Task.Delay(TimeSpan.FromSeconds(left / (double)Stopwatch.Frequency), stop) : Task.CompletedTask;
    }

    /// <summary>Writes every key once (connection i takes keys i, i+C, ...); returns the seconds it took.</summary>
    private static async Task<double> PrefillAsync(IBenchTarget target, WorkloadOptions options, WorkerResults[] workers, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(PrefillLimit);
        long start = Stopwatch.GetTimestamp();
        await Task.WhenAll(workers.Select((worker, connection) => Task.Run(async () =>
        {
            for (int key = connection; key < options.Keys; key += options.Connections)
            {
                var result = await ExecuteAsync(target, connection, read: false, key, prefill: true, limit.Token).ConfigureAwait(false);
                if (!result.IsOk) worker.PrefillErrors++;
            }
        }))).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static async Task ClosedLoopAsync(IBenchTarget target, WorkloadOptions options, KeyChooser chooser, RunWindow window,
        int connection, WorkerResults results, CancellationToken stop)
    {
        var random = new Random(unchecked(connection * 7919 + 17));
        while (true)
        {
            long sent = Stopwatch.GetTimestamp();
            if (sent >= window.End) return;
            bool read = random.NextDouble() < options.ReadRatio;
            int key = chooser.Next(random);
            OperationResult result;
            try
            {
                result = await ExecuteAsync(target, connection, read, key, prefill: false, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            Record(results, window, read, due: sent, sent, Stopwatch.GetTimestamp(), result, openLoop: false);
        }
    }

    private static async Task OpenLoopAsync(IBenchTarget target, WorkloadOptions options, KeyChooser chooser, RunWindow window,
        int connection, WorkerResults results, CancellationToken stop)
    {
        var random = new Random(unchecked(connection * 7919 + 17));
        // Request k of connection i is due at (k·C + i) / rate after the start: the connections interleave evenly.
        double ticksPerRequest = Stopwatch.Frequency / options.Rate!.Value;
        for (long k = 0; ; k++)
        {
            long due = window.Start + (long)((k * options.Connections + connection) * ticksPerRequest);
            if (due >= window.End) return;
            bool read = random.NextDouble() < options.ReadRatio;
            int key = chooser.Next(random);
            OperationResult result;
            long sent;
            try
            {
                await DelayUntilAsync(due, stop).ConfigureAwait(false);
                sent = Stopwatch.GetTimestamp();
                result = await ExecuteAsync(target, connection, read, key, prefill: false, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            Record(results, window, read, due, sent, Stopwatch.GetTimestamp(), result, openLoop: true);
        }
    }

    private static void Record(WorkerResults results, RunWindow window, bool read, long due, long sent, long done, OperationResult result, bool openLoop)
    {
        if (!window.Measures(done)) return;
        if (!result.IsOk)
        {
            results.CountError(result.Error!);
            return;
        }
        (read ? results.Reads : results.Writes).Record(RunWindow.Nanoseconds(done - due));
        if (openLoop) results.ServiceTime.Record(RunWindow.Nanoseconds(done - sent));
    }

    /// <summary>One operation; an exception becomes an error of its kind, except the run's own stop.</summary>
    private static async Task<OperationResult> ExecuteAsync(IBenchTarget target, int connection, bool read, int key, bool prefill, CancellationToken stop)
    {
        try
        {
            if (prefill) return await target.PrefillAsync(connection, key, stop).ConfigureAwait(false);
            return read
                ? await target.ReadAsync(connection, key, stop).ConfigureAwait(false)
                : await target.WriteAsync(connection, key, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return OperationResult.Failed(Describe(e));
        }
    }

    private static string Describe(Exception e) => e switch
    {
        HttpRequestException http => $"HttpRequestException ({http.HttpRequestError})",
        // HttpClient's own per-request timeout surfaces as a cancellation the run did not ask for.
        TaskCanceledException or TimeoutException or RedisTimeoutException => "timeout",
        RedisServerException redis => $"Redis error {redis.Kind}",
        _ => e.GetType().Name,
    };
}
