using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KvCluster.Tests.Infrastructure;

/// <summary>
/// A private CA and a server certificate it signed for localhost and 127.0.0.1, written as PEM files: what a test
/// redis-server serves TLS with, and the CA file a client trusts it by (the AppHost's --redis-ca-file). Nothing
/// on the machine trusts the CA, so a client without the file refuses the server.
/// </summary>
public sealed class TestCertificateAuthority
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(2);

    private TestCertificateAuthority(string caCertificateFile, string serverCertificateFile, string serverKeyFile)
    {
        CaCertificateFile = caCertificateFile;
        ServerCertificateFile = serverCertificateFile;
        ServerKeyFile = serverKeyFile;
    }

    /// <summary>The CA's certificate (PEM): what a client trusts.</summary>
    public string CaCertificateFile { get; }

    /// <summary>The server's certificate (PEM), for localhost and 127.0.0.1, signed by the CA.</summary>
    public string ServerCertificateFile { get; }

    /// <summary>The server certificate's private key (PKCS#8 PEM).</summary>
    public string ServerKeyFile { get; }

    /// <summary>Makes a new CA and server certificate and writes ca.crt, redis.crt and redis.key into <paramref name="directory"/>.</summary>
    public static TestCertificateAuthority WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = notBefore + Validity;

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=KvCluster test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        // Clients that check what a certificate is for (StackExchange.Redis's TrustIssuer does) want a server certificate.
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        using var server = serverRequest.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));

        var authority = new TestCertificateAuthority(
            Path.Combine(directory, "ca.crt"), Path.Combine(directory, "redis.crt"), Path.Combine(directory, "redis.key"));
        File.WriteAllText(authority.CaCertificateFile, ca.ExportCertificatePem());
        File.WriteAllText(authority.ServerCertificateFile, server.ExportCertificatePem());
        File.WriteAllText(authority.ServerKeyFile, serverKey.ExportPkcs8PrivateKeyPem());
        return authority;
    }

    /// <summary>The CA, for a .NET client that should trust exactly it.</summary>
    public X509Certificate2 LoadCaCertificate() => X509CertificateLoader.LoadCertificateFromFile(CaCertificateFile);
}
