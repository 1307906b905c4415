using System.Diagnostics;
using System.Text;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using KvCluster.Tests.Snapshots;
using Microsoft.Extensions.Hosting;

namespace KvCluster.Tests.Replication.InProcess;

/// <summary>
/// One node's replication running in this process over the test's log, wired as KvCluster.Node/Program.cs wires it:
/// replica, tailer, pending writes, read barrier and read gate, and the write path when it was given a coordinator.
/// No HTTP API, snapshot scheduler or membership. Built by <see cref="InProcessNodeBuilder"/>.
/// </summary>
internal sealed class InProcessNode : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly IHost _host;
    private readonly string _dataDirectory;

    public InProcessNode(IHost host, string id, string dataDirectory, RecordingLogger<LogTailer> tailerLog)
    {
        _host = host;
        _dataDirectory = dataDirectory;
        Id = id;
        TailerLog = tailerLog;
    }

    public string Id { get; }

    /// <summary>What the tailer logged: divergence and rebuilds are reported there, to the operator.</summary>
    public RecordingLogger<LogTailer> TailerLog { get; }

    public ReplicaState Replica => _host.Services.GetRequiredService<ReplicaState>();

    public PendingWrites Pending => _host.Services.GetRequiredService<PendingWrites>();

    public ReadBarrier Barrier => _host.Services.GetRequiredService<ReadBarrier>();

    /// <summary>What the read endpoints ask before reading: null to go ahead, otherwise the 503's reason.</summary>
    public ReadGate Reads => _host.Services.GetRequiredService<ReadGate>();

    public static InProcessNodeBuilder Over(KvCluster.Log.IReplicatedLog log) => new(log);

    /// <summary>The value a local read of <paramref name="key"/> returns, or null for a 404.</summary>
    public string? ValueOf(string key) =>
        Replica.Machine.TryGet(key, out var record) ? Encoding.UTF8.GetString(record.Value.Span) : null;

    public string Digest => Replica.Machine.ComputeDigest();

    /// <summary>A write as the PUT and DELETE endpoints make it (KvCluster.Node/Api/KvEndpoints.cs).</summary>
    public Task<WriteOutcome> WriteAsync(ClientWrite write) =>
        _host.Services.GetRequiredService<WriteProposer>().ProposeAsync(write.Operation, write.Key, Encoding.UTF8.GetBytes(write.Value),
            write.Value.Length > 0 ? "text/plain" : "", write.Precondition, write.IdempotencyKey, CancellationToken.None);

    public Task WaitUntilAppliedAsync(long seq) =>
        WaitUntilAsync(() => Replica.Applied.Value >= seq, () => $"{Id} applied {Replica.Applied.Value}, not {seq}");

    /// <summary>
    /// Polls, rather than waiting on <see cref="AppliedIndex.WaitForAsync"/>, so that a test about one thing does
    /// not hang on another: a rebuild does not release the applied index's waiters (ApplyPathTests.cs shows it).
    /// </summary>
    public async Task WaitUntilAsync(Func<bool> condition, Func<string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience) Assert.Fail($"Not within {Patience.TotalSeconds} s: {describe()}");
            await Task.Delay(5);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(Patience)) await _host.StopAsync(timeout.Token);
        _host.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was installed from a checkpoint: the directory was never made.
        }
    }
}
