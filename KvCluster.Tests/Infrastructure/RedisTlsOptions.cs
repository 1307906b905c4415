using System.Globalization;

namespace KvCluster.Tests.Infrastructure;

/// <summary>TLS for a test redis-server: the port and the certificate it serves; clients are not asked for certificates.</summary>
public sealed record RedisTlsOptions(int Port, TestCertificateAuthority Certificates)
{
    /// <summary>redis-server's arguments for it.</summary>
    public IEnumerable<string> Arguments =>
    [
        "--tls-port", Port.ToString(CultureInfo.InvariantCulture),
        "--tls-cert-file", Certificates.ServerCertificateFile,
        "--tls-key-file", Certificates.ServerKeyFile,
        "--tls-ca-cert-file", Certificates.CaCertificateFile,
        "--tls-auth-clients", "no",
    ];
}
