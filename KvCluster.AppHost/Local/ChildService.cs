using System.ComponentModel;
using System.Diagnostics;

namespace KvCluster.AppHost.Local;

/// <summary>
/// One supervised child process (the coordinator or a node). A child that exits on its own after it was
/// ready is restarted with backoff; one stopped or killed through this API stays down until <see cref="StartAsync"/>.
/// </summary>
public sealed class ChildService : IAsyncDisposable
{
    private static readonly TimeSpan FirstRestartDelay = TimeSpan.FromSeconds(0.5);
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(10);
    // A child that stayed up this long before crashing starts its backoff again from the first delay.
    private static readonly TimeSpan StableUptime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly ChildCommand _command;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly ClusterOptions _options;
    private readonly OutputTail _recentOutput = new(200);
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _gate = new();
    private Process? _process;
    private DateTime _startedAt;
    private bool _stopRequested = true;
    private bool _supervised;
    private int _consecutiveCrashes;
    private int _restartCount;

    internal ChildService(ChildDefinition definition, ChildCommand command, IReadOnlyDictionary<string, string> environment, ClusterOptions options)
    {
        Definition = definition;
        _command = command;
        _environment = environment;
        _options = options;
    }

    public ChildDefinition Definition { get; }

    public string Name => Definition.Name;

    public Uri Url => Definition.Url;

    /// <summary>A node's Kv:DataDir; for the coordinator, which keeps no state, a directory of its own that it is not told about.</summary>
    public string DataDirectory => Definition.DataDirectory;

    public int? ProcessId
    {
        get
        {
            lock (_gate) return _process is { HasExited: false } process ? process.Id : null;
        }
    }

    public bool IsRunning => ProcessId is not null;

    /// <summary>How many times the supervisor restarted this child after a crash.</summary>
    public int RestartCount => Volatile.Read(ref _restartCount);

    /// <summary>The last 200 lines the child printed, oldest first.</summary>
    public IReadOnlyCollection<string> RecentOutput => _recentOutput.Snapshot();

    /// <summary>Starts the child (if it is not running) and waits until it answers /health, within ReadyTimeout.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        Process process;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            _stopRequested = false;
            // Until it is ready, an exit is a failed start to report, not a crash to restart.
            _supervised = false;
            process = _process is { HasExited: false } running ? running : Launch();
        }
        try
        {
            await WaitReadyAsync(process, _options.ReadyTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await StopAsync().ConfigureAwait(false);
            throw;
        }
        lock (_gate) _supervised = !_stopRequested;
    }

    /// <summary>Waits until the child answers /health with 200; a crashed child may be restarted meanwhile.</summary>
    public Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitReadyAsync(launched: null, timeout, cancellationToken);

    /// <summary>SIGKILL, as a crash would be; the supervisor leaves it down until <see cref="StartAsync"/>.</summary>
    public void Kill()
    {
        var process = RequestStop();
        if (process is null) return;
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        process.WaitForExit(StopGrace);
    }

    /// <summary>SIGSTOP: the process stays alive but answers nothing, like a hung node.</summary>
    public void Pause()
    {
        if (ProcessId is int pid) Signals.Pause(pid);
    }

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume()
    {
        if (ProcessId is int pid) Signals.Resume(pid);
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited within a few seconds; not restarted afterwards.</summary>
    public async Task StopAsync()
    {
        var process = RequestStop();
        if (process is null) return;
        Signals.Terminate(process.Id);
        // A paused process keeps SIGTERM pending until it runs again.
        Signals.Resume(process.Id);
        using var grace = new CancellationTokenSource(StopGrace);
        try
        {
            await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Notice($"did not stop within {StopGrace.TotalSeconds:0} s; killing it");
            Kill();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        // Not disposed: a pending restart may still read its token; it holds no timer.
        _disposed.Cancel();
    }

    /// <summary>Marks the child as stopping, so that an exit from now on is not restarted. Safe from a signal handler.</summary>
    internal Process? RequestStop()
    {
        lock (_gate)
        {
            _stopRequested = true;
            _supervised = false;
            return _process is { HasExited: false } process ? process : null;
        }
    }

    // Under _gate.
    private Process Launch()
    {
        var start = new ProcessStartInfo(_command.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Children must not read the terminal the AppHost runs in.
            RedirectStandardInput = true,
            WorkingDirectory = _command.WorkingDirectory,
        };
        foreach (var argument in _command.Arguments) start.ArgumentList.Add(argument);
        start.Environment.Clear();
        foreach (var (name, value) in _environment) start.Environment[name] = value;

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => OnOutput(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        _startedAt = DateTime.UtcNow;
        _ = SuperviseAsync(process);
        return process;
    }

    private async Task SuperviseAsync(Process process)
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        int exitCode = process.ExitCode;
        lock (_gate)
        {
            if (!ReferenceEquals(_process, process) || _stopRequested) return;
            if (!_supervised || !_options.RestartCrashedChildren)
            {
                Notice($"exited with code {exitCode}");
                return;
            }
            if (DateTime.UtcNow - _startedAt > StableUptime) _consecutiveCrashes = 0;
        }

        while (true)
        {
            TimeSpan delay;
            lock (_gate)
            {
                if (!ShouldRestart(process)) return;
                delay = RestartDelay(_consecutiveCrashes++);
            }
            Notice($"exited unexpectedly with code {exitCode}; restarting in {delay.TotalSeconds:0.#} s");
            try
            {
                await Task.Delay(delay, _disposed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            lock (_gate)
            {
                if (!ShouldRestart(process)) return;
                try
                {
                    var restarted = Launch();
                    _restartCount++;
                    Notice($"restarted (pid {restarted.Id}, restart #{_restartCount})");
                    return;
                }
                catch (Exception e) when (e is Win32Exception or InvalidOperationException)
                {
                    Notice($"could not be restarted: {e.Message}");
                }
            }
        }
    }

    // Under _gate: still the crashed process, nobody started or stopped it meanwhile.
    private bool ShouldRestart(Process crashed) =>
        ReferenceEquals(_process, crashed) && !_stopRequested && !_disposed.IsCancellationRequested;

    private static TimeSpan RestartDelay(int consecutiveCrashes) =>
        TimeSpan.FromTicks(Math.Min(MaxRestartDelay.Ticks, FirstRestartDelay.Ticks << Math.Min(consecutiveCrashes, 10)));

    /// <summary>Polls /health. With <paramref name="launched"/>, its exit fails the wait at once (a failed start).</summary>
    private async Task WaitReadyAsync(Process? launched, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Process? current;
            bool stopped, restartExpected;
            lock (_gate)
            {
                current = _process;
                stopped = _stopRequested;
                restartExpected = _supervised && _options.RestartCrashedChildren;
            }
            if (launched is { HasExited: true })
                throw NotReady($"it exited with code {launched.ExitCode} while starting");
            if (stopped) throw NotReady("it was stopped; call StartAsync to start it again");
            if (current is { HasExited: true } && !restartExpected)
                throw NotReady($"it exited with code {current.ExitCode}");
            if (current is { HasExited: false } && await HealthProbe.IsReadyAsync(Url, cancellationToken).ConfigureAwait(false))
                return;
            if (deadline.Elapsed > timeout)
                throw NotReady($"GET {new Uri(Url, "/health")} did not answer 200 within {timeout.TotalSeconds:0.#} s");
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private ChildNotReadyException NotReady(string reason) => new(Name, reason, _recentOutput.Snapshot());

    private void OnOutput(string? line)
    {
        if (line is null) return;
        _recentOutput.Add(line);
        Forward(line);
    }

    private void Notice(string message)
    {
        var line = $"(apphost) {message}";
        _recentOutput.Add(line);
        Forward(line);
    }

    private void Forward(string line)
    {
        try
        {
            _options.Output?.Invoke($"[{Name}] {line}");
        }
        catch (InvalidOperationException)
        {
            // A test's output helper refuses lines once its test has finished; the line is still in RecentOutput.
        }
    }
}
