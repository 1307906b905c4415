using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace KvCluster.Log.Client;

/// <summary>Opens the byte stream to Redis: a TCP socket, wrapped in TLS when the options ask for it.</summary>
internal static class RedisTransport
{
    public static async Task<Stream> OpenAsync(RedisConnectionOptions options, CancellationToken cancellationToken)
    {
        var endPoint = options.EndPoint;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);

        var socket = CreateSocket(endPoint, out var address);
        Stream? stream = null;
        try
        {
            if (address is not null) await socket.ConnectAsync(address, endPoint.Port, timeout.Token).ConfigureAwait(false);
            else await socket.ConnectAsync(endPoint.Host, endPoint.Port, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);

            if (options.Ssl)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(TlsOptions(options), timeout.Token).ConfigureAwait(false);
            }
            return stream;
        }
        catch (Exception e)
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            else socket.Dispose();
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
            throw Translate(e, options);
        }
    }

    /// <summary>
    /// The same, with synchronous calls only. A socket that never saw an async call stays in blocking mode, so
    /// its reads block in the kernel on the caller's thread: one wake-up per reply, no socket-engine or
    /// thread-pool hop. For a connection owned by one dedicated thread (the log tailer's).
    /// </summary>
    public static Stream Open(RedisConnectionOptions options, CancellationToken cancellationToken)
    {
        var endPoint = options.EndPoint;
        var socket = CreateSocket(endPoint, out var address);
        Stream? stream = null;
        // A blocking connect has no timeout of its own: closing the socket ends it.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        using var abort = timeout.Token.UnsafeRegister(static state => ((Socket)state!).Dispose(), socket);
        try
        {
            if (address is not null) socket.Connect(address, endPoint.Port);
            else socket.Connect(endPoint.Host, endPoint.Port);
            stream = new NetworkStream(socket, ownsSocket: true);

            if (options.Ssl)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                ssl.ReadTimeout = ssl.WriteTimeout = (int)options.ConnectTimeout.TotalMilliseconds;
                ssl.AuthenticateAsClient(TlsOptions(options));
            }
            return stream;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (stream is not null) stream.Dispose();
            else socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            throw Translate(timeout.IsCancellationRequested ? new OperationCanceledException() : e, options);
        }
    }

    private static Socket CreateSocket(RedisEndpoint endPoint, out IPAddress? address)
    {
        Socket socket = IPAddress.TryParse(endPoint.Host, out address)
            ? new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp); // dual mode: the name may resolve to IPv4 or IPv6
        socket.NoDelay = true; // pipelining batches writes itself; Nagle would only add latency
        EnableKeepAlive(socket);
        return socket;
    }

    private static SslClientAuthenticationOptions TlsOptions(RedisConnectionOptions options) => new()
    {
        TargetHost = options.SslHost ?? options.EndPoint.Host,
        RemoteCertificateValidationCallback = options.CertificateValidation,
    };

    private static Exception Translate(Exception e, RedisConnectionOptions options) => e switch
    {
        OperationCanceledException => new RedisConnectionException(
            $"Could not connect to Redis at {options.EndPoint} within {options.ConnectTimeout.TotalMilliseconds:0} ms (connectTimeout)."),
        AuthenticationException => new RedisConnectionException(
            $"The TLS handshake with Redis at {options.EndPoint} failed: {e.Message}", e),
        SocketException or IOException or ObjectDisposedException => new RedisConnectionException(
            $"Could not connect to Redis at {options.EndPoint}: {e.Message}", e),
        _ => e,
    };

    // An idle connection to a host that vanished (no RST) is noticed in about 30 s instead of hours.
    private static void EnableKeepAlive(Socket socket)
    {
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 15);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 5);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
        }
        catch (Exception e) when (e is SocketException or PlatformNotSupportedException)
        {
            // The OS defaults still apply.
        }
    }
}
