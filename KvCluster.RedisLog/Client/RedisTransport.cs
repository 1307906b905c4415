using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace KvCluster.RedisLog.Client;

/// <summary>Opens the byte stream to Redis: a TCP socket, wrapped in TLS when the options ask for it.</summary>
internal static class RedisTransport
{
    public static async Task<Stream> OpenAsync(RedisConnectionOptions options, CancellationToken cancellationToken)
    {
        var endPoint = options.EndPoint;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);

        Socket socket = IPAddress.TryParse(endPoint.Host, out var address)
            ? new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp); // dual mode: the name may resolve to IPv4 or IPv6
        socket.NoDelay = true; // pipelining batches writes itself; Nagle would only add latency
        EnableKeepAlive(socket);
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
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = options.SslHost ?? endPoint.Host,
                    RemoteCertificateValidationCallback = options.CertificateValidation,
                }, timeout.Token).ConfigureAwait(false);
            }
            return stream;
        }
        catch (Exception e)
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            else socket.Dispose();

            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
            throw e switch
            {
                OperationCanceledException => new RedisConnectionException(
                    $"Could not connect to Redis at {endPoint} within {options.ConnectTimeout.TotalMilliseconds:0} ms (connectTimeout)."),
                AuthenticationException => new RedisConnectionException(
                    $"The TLS handshake with Redis at {endPoint} failed: {e.Message}", e),
                SocketException or IOException => new RedisConnectionException(
                    $"Could not connect to Redis at {endPoint}: {e.Message}", e),
                _ => e,
            };
        }
    }

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
