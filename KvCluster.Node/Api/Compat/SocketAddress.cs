using System.Globalization;

namespace KvCluster.Node.Api.Compat;

/// <summary>"host:port" as kevinDB's view lists replicas: parsed from client input, or taken from a member's URL.</summary>
internal static class SocketAddress
{
    /// <summary>True when <paramref name="text"/> is a host (name, IPv4 or [IPv6]) and a port from 1 to 65535.</summary>
    public static bool IsValid(string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) return false;
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            return false;
        }
        string host = text[..colon];
        return Uri.CheckHostName(host.Trim('[', ']')) != UriHostNameType.Unknown && !host.Any(char.IsWhiteSpace);
    }

    /// <summary>The "host:port" of a member's URL (http://127.0.0.1:5101 → 127.0.0.1:5101), or null when it has none.</summary>
    public static string? FromUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Host.Length > 0
            ? uri.Host + ":" + uri.Port.ToString(CultureInfo.InvariantCulture)
            : null;

    /// <summary>Orders by host, then by port as a number, so 5102 comes before 5110 whatever their lengths.</summary>
    public static int Compare(string a, string b)
    {
        int colonA = a.LastIndexOf(':'), colonB = b.LastIndexOf(':');
        int byHost = string.CompareOrdinal(a[..Math.Max(colonA, 0)], b[..Math.Max(colonB, 0)]);
        if (byHost != 0) return byHost;
        int.TryParse(a.AsSpan(colonA + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int portA);
        int.TryParse(b.AsSpan(colonB + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int portB);
        return portA != portB ? portA.CompareTo(portB) : string.CompareOrdinal(a, b);
    }
}
