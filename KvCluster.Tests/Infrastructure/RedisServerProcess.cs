using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace KvCluster.Tests.Infrastructure;

/// <summary>
/// A redis-server child process on 127.0.0.1. Starting waits until it answers PING;
/// <see cref="Kill"/> and <see cref="RestartAsync"/> exist so tests can fail and revive it.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public RedisServerProcess(RedisServerOptions options) => Options = options;

    public RedisServerOptions Options { get; }

    public int Port => Options.Port;

    /// <summary>StackExchange-format connection string for this server: TLS when it has no plain port.</summary>
    public string ConnectionString
    {
        get
        {
            string endpoint = Port == 0 && Options.Tls is { } tls ? $"127.0.0.1:{tls.Port},ssl=true,sslHost=localhost" : $"127.0.0.1:{Port}";
            return Options.Password is null ? endpoint : $"{endpoint},password={Options.Password}";
        }
    }

    // The port that answers: the plain one, or the TLS one when there is no plain port.
    private int ListeningPort => Port == 0 && Options.Tls is { } tls ? tls.Port : Port;

    public bool IsRunning => _process is { HasExited: false };

    public int? ProcessId => IsRunning ? _process!.Id : null;

    /// <summary>Every line the server printed, oldest first (for test logs).</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <summary>Raised for each line the server prints.</summary>
    public event Action<string>? OutputLine;

    /// <summary>Path of redis-server on PATH, or null when it is not installed.</summary>
    public static string? FindExecutable()
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        foreach (var dir in (path ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate)) return candidate;
        }
        // A PATH that is set is the user's choice; the usual places are a fallback only for a bare environment.
        if (!string.IsNullOrEmpty(path)) return null;
        foreach (var fallback in new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server" })
        {
            if (File.Exists(fallback)) return fallback;
        }
        return null;
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning) throw new InvalidOperationException("redis-server is already running.");
        var executable = FindExecutable() ?? throw new RedisServerNotFoundException();
        Directory.CreateDirectory(Options.DataDirectory);

        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in BuildArguments()) start.ArgumentList.Add(argument);

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SIGKILL: no shutdown save, as a crash would be.</summary>
    public void Kill()
    {
        var process = _process;
        if (process is null || process.HasExited) return;
        process.Kill(entireProcessTree: true);
        process.WaitForExit(5000);
    }

    /// <summary>Kills the server (if running) and starts it again on the same port and data.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        Kill();
        _process?.Dispose();
        _process = null;
        await StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Graceful stop: SIGTERM lets Redis flush its AOF; killed if it does not exit in time.</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        var process = _process;
        if (process is null || process.HasExited) return;
        Signals.Terminate(process.Id);
        using var timeout = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process?.Dispose();
        _process = null;
    }

    private IEnumerable<string> BuildArguments()
    {
        yield return "--port"; yield return Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return "--bind"; yield return "127.0.0.1";
        yield return "--dir"; yield return Path.GetFullPath(Options.DataDirectory);
        yield return "--appendonly"; yield return Options.AppendOnly ? "yes" : "no";
        yield return "--appendfsync"; yield return Options.AppendFsync;
        yield return "--auto-aof-rewrite-percentage";
        yield return Options.AofRewritePercentage.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return "--rdbcompression"; yield return Options.RdbCompression ? "yes" : "no";
        // Snapshots would only duplicate the AOF; the log is the durable record.
        yield return "--save"; yield return "";
        yield return "--daemonize"; yield return "no";
        yield return "--protected-mode"; yield return "yes";
        yield return "--logfile"; yield return "";
        if (Options.Password is not null)
        {
            yield return "--requirepass"; yield return Options.Password;
        }
        foreach (var argument in Options.Tls?.Arguments ?? []) yield return argument;
        foreach (var argument in Options.ExtraArguments) yield return argument;
    }

    private void Record(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 2000 && _output.TryDequeue(out _)) { }
        OutputLine?.Invoke(line);
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Options.StartTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process is null || _process.HasExited)
            {
                throw new InvalidOperationException(
                    $"redis-server on port {ListeningPort} exited during start:{Environment.NewLine}{string.Join(Environment.NewLine, _output.TakeLast(20))}");
            }
            if (await AnswersPingAsync(cancellationToken).ConfigureAwait(false)) return;
            if (DateTime.UtcNow > deadline)
            {
                Kill();
                throw new TimeoutException($"redis-server on port {ListeningPort} did not answer PING within {Options.StartTimeout}.");
            }
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    // A raw inline PING: this project must not depend on the client it is used to test.
    // "-NOAUTH" also proves the server is up when a password is required.
    private async Task<bool> AnswersPingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(TimeSpan.FromSeconds(1));
            await client.ConnectAsync("127.0.0.1", ListeningPort, attempt.Token).ConfigureAwait(false);
            await using var stream = await OpenProbeStreamAsync(client, attempt.Token).ConfigureAwait(false);
            await stream.WriteAsync("PING\r\n"u8.ToArray(), attempt.Token).ConfigureAwait(false);
            var buffer = new byte[64];
            int read = await stream.ReadAsync(buffer, attempt.Token).ConfigureAwait(false);
            var reply = Encoding.ASCII.GetString(buffer, 0, read);
            // While loading the AOF Redis answers -LOADING: not ready yet.
            return reply.StartsWith("+PONG", StringComparison.Ordinal) || reply.StartsWith("-NOAUTH", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    // Over TLS when the server has no plain port, trusting exactly the test CA: a certificate the server cannot be
    // trusted by is the harness's mistake, so the handshake's AuthenticationException is left to fail the start.
    private async Task<Stream> OpenProbeStreamAsync(TcpClient client, CancellationToken cancellationToken)
    {
        Stream stream = client.GetStream();
        if (Port != 0 || Options.Tls is not { } tls) return stream;
        var ssl = new SslStream(stream);
        using var ca = tls.Certificates.LoadCaCertificate();
        var trust = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        trust.CustomTrustStore.Add(ca);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", CertificateChainPolicy = trust },
            cancellationToken).ConfigureAwait(false);
        return ssl;
    }
}
