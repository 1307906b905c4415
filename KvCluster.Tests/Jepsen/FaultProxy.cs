using System.Net;
using System.Net.Sockets;

namespace KvCluster.Tests.Jepsen;

public enum LinkFault
{
    None,
    /// <summary>A partition: bytes stop flowing both ways (held, not lost, as TCP would) until healed.</summary>
    Stall,
    /// <summary>A slow link: every chunk waits <see cref="FaultProxy.Delay"/> before it is forwarded.</summary>
    Delay,
    /// <summary>The far side vanished without a FIN: open connections stay open but silent forever; new ones get nowhere.</summary>
    HalfOpen,
    /// <summary>Every connection is reset, and new ones are refused, until healed.</summary>
    Reset,
}

/// <summary>
/// A loopback TCP proxy a test puts between a node and Redis or the coordinator, to break that one link on demand.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<ProxiedConnection> _connections = [];
    private readonly Task _acceptLoop;
    private LinkFault _fault;
    private TaskCompletionSource _flowing = Completed();

    public FaultProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public TimeSpan Delay { get; init; } = TimeSpan.FromMilliseconds(150);

    public LinkFault Fault
    {
        get
        {
            lock (_gate) return _fault;
        }
    }

    public void Set(LinkFault fault)
    {
        ProxiedConnection[] affected;
        lock (_gate)
        {
            _fault = fault;
            if (fault != LinkFault.Stall) _flowing.TrySetResult();
            else if (_flowing.Task.IsCompleted) _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            affected = fault is LinkFault.HalfOpen or LinkFault.Reset ? [.. _connections] : [];
        }
        foreach (var connection in affected)
        {
            if (fault == LinkFault.Reset) connection.Reset();
            else connection.CutUpstream();
        }
    }

    /// <summary>Completes when chunks may flow: at once unless the link is stalled.</summary>
    private Task WhenFlowingAsync()
    {
        lock (_gate) return _flowing.Task;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var fault = Fault;
            if (fault == LinkFault.Reset)
            {
                ProxiedConnection.ResetSocket(client);
                continue;
            }
            var connection = new ProxiedConnection(this, client);
            lock (_gate) _connections.Add(connection);
            _ = connection.RunAsync(connectUpstream: fault != LinkFault.HalfOpen);
        }
    }

    private static TaskCompletionSource Completed()
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        signal.TrySetResult();
        return signal;
    }

    private void Forget(ProxiedConnection connection)
    {
        lock (_gate) _connections.Remove(connection);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        ProxiedConnection[] open;
        lock (_gate)
        {
            open = [.. _connections];
            _flowing.TrySetResult();
        }
        foreach (var connection in open) connection.Reset();
        _stopping.Dispose();
    }

    /// <summary>One client connection and its upstream twin, pumped both ways.</summary>
    private sealed class ProxiedConnection(FaultProxy proxy, Socket client)
    {
        private readonly Socket _upstream = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private volatile bool _upstreamCut;

        public async Task RunAsync(bool connectUpstream)
        {
            try
            {
                if (connectUpstream)
                {
                    await _upstream.ConnectAsync(IPAddress.Loopback, proxy._targetPort).ConfigureAwait(false);
                    await Task.WhenAll(PumpAsync(client, _upstream, toClient: false), PumpAsync(_upstream, client, toClient: true)).ConfigureAwait(false);
                }
                else
                {
                    _upstreamCut = true;
                    await PumpAsync(client, _upstream, toClient: false).ConfigureAwait(false);
                }
            }
            catch (SocketException)
            {
                ResetSocket(client);
            }
            finally
            {
                _upstream.Dispose();
                client.Dispose();
                proxy.Forget(this);
            }
        }

        public void CutUpstream()
        {
            _upstreamCut = true;
            _upstream.Dispose();
        }

        public void Reset()
        {
            _upstreamCut = true;
            ResetSocket(client);
            ResetSocket(_upstream);
        }

        public static void ResetSocket(Socket socket)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closed.
            }
        }

        private async Task PumpAsync(Socket from, Socket to, bool toClient)
        {
            var buffer = new byte[16 * 1024];
            while (true)
            {
                int read;
                try
                {
                    read = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    read = 0;
                }
                if (read == 0)
                {
                    // A half-open link tells the client nothing: its side stays open and silent.
                    if (toClient && _upstreamCut) return;
                    TryShutdown(to);
                    return;
                }
                if (_upstreamCut) continue; // swallowed by a peer that is gone
                await proxy.WhenFlowingAsync().ConfigureAwait(false);
                if (proxy.Fault == LinkFault.Delay) await Task.Delay(proxy.Delay).ConfigureAwait(false);
                if (_upstreamCut) continue;
                try
                {
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    TryShutdown(from);
                    return;
                }
            }
        }

        private static void TryShutdown(Socket socket)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Gone already.
            }
        }
    }
}
