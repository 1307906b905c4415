using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KvCluster.Log.Client;
using KvCluster.Tests.Infrastructure;

namespace KvCluster.Tests.Client;

/// <summary>ssl=true end to end: Debian's redis-server is built with TLS, serving a self-signed certificate.</summary>
public sealed class RedisClientTlsTests : IAsyncLifetime
{
    private RedisTestServer _server = null!;
    private X509Certificate2 _certificate = null!;
    private int _tlsPort;

    public async Task InitializeAsync()
    {
        _tlsPort = FreePorts.GetFreeTcpPort();
        _server = await RedisTestServer.StartAsync(password: "tls-pass", prepare: directory =>
        {
            var (certificatePath, keyPath) = WriteSelfSignedCertificate(directory);
            return
            [
                "--tls-port", _tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--tls-cert-file", certificatePath,
                "--tls-key-file", keyPath,
                "--tls-ca-cert-file", certificatePath,
                "--tls-auth-clients", "no",
            ];
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificate.Dispose();
    }

    private (string Certificate, string Key) WriteSelfSignedCertificate(string directory)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=kvcluster-test-redis", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        var certificatePath = Path.Combine(directory, "redis.crt");
        var keyPath = Path.Combine(directory, "redis.key");
        File.WriteAllText(certificatePath, _certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    [Fact]
    public async Task Ssl_connection_works_when_the_callback_accepts_exactly_this_certificate()
    {
        var options = RedisConnectionOptions.Parse($"127.0.0.1:{_tlsPort},ssl=true,sslHost=localhost,password=tls-pass") with
        {
            CertificateValidation = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHashString() == _certificate.GetCertHashString(),
        };
        await using var client = await RedisClient.ConnectAsync(options);

        await client.ExecuteAsync(new RedisCommand("SET").Add("secure").Add("yes"));
        Assert.Equal("yes", (await client.ExecuteAsync(new RedisCommand("GET").Add("secure"))).AsString());
        Assert.Equal("PONG", (await client.ExecuteBlockingAsync(new RedisCommand("PING"), TimeSpan.FromSeconds(5))).AsString());

        // The server saw this connection arrive on its TLS port.
        var info = (await client.ExecuteAsync(new RedisCommand("CLIENT").Add("INFO"))).AsString()!;
        Assert.Contains($"laddr=127.0.0.1:{_tlsPort}", info);
    }

    [Fact]
    public async Task Untrusted_certificate_is_refused_by_default()
    {
        var error = await Assert.ThrowsAsync<RedisConnectionException>(
            () => RedisClient.ConnectAsync($"127.0.0.1:{_tlsPort},ssl=true,sslHost=localhost,password=tls-pass"));
        Assert.Contains("TLS handshake", error.Message);
        Assert.IsType<System.Security.Authentication.AuthenticationException>(error.InnerException);
    }

    [Fact]
    public async Task Callback_that_rejects_the_certificate_refuses_the_connection()
    {
        var options = RedisConnectionOptions.Parse($"127.0.0.1:{_tlsPort},ssl=true,password=tls-pass") with
        {
            CertificateValidation = (_, _, _, _) => false,
        };
        await Assert.ThrowsAsync<RedisConnectionException>(() => RedisClient.ConnectAsync(options));
    }
}
