using System.Diagnostics.Metrics;
using System.Text;
using KvCluster.Log.InMemory;
using KvCluster.Node;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using KvCluster.Node.Watch;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace KvCluster.Tests.Watch;

/// <summary>
/// One watch response (<see cref="WatchStream"/>) over a journal, in-process: what it sends, and how it ends when the
/// client is too slow, the node rebuilds its state, the node stops, or the client goes.
/// </summary>
public sealed class WatchStreamTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ReplicaState _replica = new(new KvStateMachine(), new ChangeJournalLimits(8, 1 << 20));
    private readonly CapturedBody _body = new();
    private readonly CancellationTokenSource _clientGone = new();
    private readonly CancellationTokenSource _nodeStopping = new();
    private readonly List<string> _endReasons = [];
    private readonly MeterListener _listener = new();

    public WatchStreamTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // This test's meters only: other tests in the process have nodes of their own.
            if (instrument.Name == "kv.watch.disconnects" && ReferenceEquals(instrument.Meter.Scope, _services.GetRequiredService<IMeterFactory>()))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "kv.watch.reason") lock (_endReasons) _endReasons.Add((string)tag.Value!);
            }
        });
        _listener.Start();
    }

    private ChangeJournal Journal => _replica.Changes;

    private static KvChange Put(long seq, string key) => new(seq, key, KvChangeKind.Put, seq, "text/plain", Encoding.UTF8.GetBytes($"v{seq}"));

    private Task RunAsync(long start, WatchFilter? filter = null, TimeSpan? heartbeat = null)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = _body;
        var metrics = new NodeMetrics(_services.GetRequiredService<IMeterFactory>(), _replica);
        var options = new WatchOptions { HeartbeatInterval = heartbeat ?? TimeSpan.FromMinutes(1) };
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_clientGone.Token, _nodeStopping.Token);
        var history = new HistoryReplay(new InMemoryReplicatedLog(), Path.GetTempPath(), 100, TimeSpan.FromHours(1));
        var stream = new WatchStream(context, Journal, options, metrics, filter ?? WatchFilter.Everything, start, Journal.Current.Generation,
            cancel.Token, _nodeStopping.Token);
        return Task.Run(async () =>
        {
            using (stream)
            using (cancel)
            {
                await stream.RunAsync($"watching from seq {start}", plan: null, history);
            }
        });
    }

    private (List<SseEvent> Events, SseParser Parser) Sent() => SseParser.ParseAll(_body.Text);

    [Fact]
    public async Task Only_the_last_matching_event_of_a_seq_carries_its_id()
    {
        var running = RunAsync(1, WatchFilter.ForPrefix("a/"));
        Journal.Publish([Put(1, "a/1"), Put(1, "b/1"), Put(1, "a/2"), Put(2, "b/2")], 2);
        Journal.Publish([Put(3, "a/3")], 3);
        await _body.WaitForAsync("id: 3", Deadline);
        await _clientGone.CancelAsync();
        await running.WaitAsync(Deadline);

        var (events, parser) = Sent();
        Assert.Equal(["watching from seq 1"], parser.Comments);
        Assert.Equal(["a/1", "a/2", "a/3"], events.Select(e => e.Key));
        Assert.Equal([null, "1", "3"], events.Select(e => e.Id));
        Assert.Equal(["client-gone"], _endReasons);
    }

    [Fact]
    public async Task A_stream_whose_position_left_the_journal_ends_as_a_slow_consumer_saying_how_far_it_got()
    {
        for (long seq = 1; seq <= 10; seq++) Journal.Publish([Put(seq, $"k{seq}")], seq);

        await RunAsync(2).WaitAsync(Deadline); // the journal holds the 8 newest: seqs 3 to 10

        var close = Assert.Single(Sent().Events);
        Assert.Equal("close", close.Event);
        Assert.Equal("slow-consumer", close.Json.GetProperty("reason").GetString());
        Assert.Equal(1, close.Json.GetProperty("lastSeq").GetInt64());
        Assert.Equal(["slow-consumer"], _endReasons);
    }

    [Fact]
    public async Task A_rebuild_of_the_nodes_state_ends_the_stream_with_the_reason()
    {
        var running = RunAsync(1);
        Journal.Publish([Put(1, "a")], 1);
        await _body.WaitForAsync("id: 1", Deadline);
        _replica.MarkDiverged("the hash chain is broken at seq 2");

        _replica.ReplaceMachine(new KvStateMachine());
        await running.WaitAsync(Deadline);

        var close = Sent().Events[^1];
        Assert.Equal("close", close.Event);
        Assert.Equal("rebuilt", close.Json.GetProperty("reason").GetString());
        Assert.Contains("the hash chain is broken at seq 2", close.Json.GetProperty("detail").GetString());
        Assert.Equal(1, close.Json.GetProperty("lastSeq").GetInt64());
    }

    [Fact]
    public async Task When_the_node_stops_the_stream_ends_at_once_with_node_stopping()
    {
        Journal.Publish([Put(1, "a")], 1);
        Journal.Publish([], 5);
        var running = RunAsync(1);
        await _body.WaitForAsync("id: 1", Deadline);

        await _nodeStopping.CancelAsync();
        await running.WaitAsync(Deadline);

        var close = Sent().Events[^1];
        Assert.Equal("node-stopping", close.Json.GetProperty("reason").GetString());
        Assert.Equal(5, close.Json.GetProperty("lastSeq").GetInt64());
    }

    [Fact]
    public async Task An_idle_stream_gets_heartbeats_even_while_changes_to_other_keys_go_by()
    {
        var running = RunAsync(1, WatchFilter.ForKey("quiet"), heartbeat: TimeSpan.FromMilliseconds(200));
        using var churn = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (long seq = 1; !churn.IsCancellationRequested; seq++)
            {
                Journal.Publish([Put(seq, "busy")], seq);
                await Task.Delay(10);
            }
        });

        await _body.WaitForAsync(": heartbeat\n\n: heartbeat", Deadline);
        await churn.CancelAsync();
        await writer;
        await _clientGone.CancelAsync();
        await running.WaitAsync(Deadline);

        Assert.Empty(Sent().Events);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
        _clientGone.Dispose();
        _nodeStopping.Dispose();
    }

    // A response body a test can read while the stream writes it.
    private sealed class CapturedBody : Stream
    {
        private readonly StringBuilder _text = new();
        private readonly SemaphoreSlim _written = new(0);

        public string Text
        {
            get
            {
                lock (_text) return _text.ToString();
            }
        }

        public async Task WaitForAsync(string fragment, TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            while (!Text.Contains(fragment, StringComparison.Ordinal))
            {
                try
                {
                    await _written.WaitAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail($"Not written within {timeout.TotalSeconds} s: '{fragment}'. Written: {Text}");
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_text) _text.Append(Encoding.UTF8.GetString(buffer, offset, count));
            _written.Release();
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (_text) _text.Append(Encoding.UTF8.GetString(buffer.Span));
            _written.Release();
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
