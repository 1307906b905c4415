using System.Globalization;
using System.Net;

namespace KvCluster.Log.Client;

/// <summary>A Redis server address: host name or IP literal, and port.</summary>
public readonly record struct RedisEndpoint(string Host, int Port)
{
    public const int DefaultPort = 6379;

    /// <summary>
    /// Parses "host", "host:port", "1.2.3.4:port", "[::1]:port" or a bare IPv6 literal ("::1").
    /// Throws <see cref="FormatException"/> for anything else.
    /// </summary>
    public static RedisEndpoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (text.Length == 0) throw new FormatException("A Redis endpoint is empty.");

        if (text[0] == '[')
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0) throw new FormatException($"The Redis endpoint '{text}' has '[' but no ']'.");
            string host = text[1..close];
            string rest = text[(close + 1)..];
            if (!IPAddress.TryParse(host, out _)) throw new FormatException($"'{host}' in '{text}' is not an IP address.");
            if (rest.Length == 0) return new RedisEndpoint(host, DefaultPort);
            if (rest[0] != ':') throw new FormatException($"The Redis endpoint '{text}' has text after ']' that is not ':port'.");
            return new RedisEndpoint(host, ParsePort(rest[1..], text));
        }

        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) return new RedisEndpoint(CheckHost(text, text), DefaultPort);
        if (text.IndexOf(':', colon + 1) >= 0)
        {
            // More than one colon: only an unbracketed IPv6 literal, which then carries no port.
            if (IPAddress.TryParse(text, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
                return new RedisEndpoint(text, DefaultPort);
            throw new FormatException($"The Redis endpoint '{text}' is not host:port.");
        }
        return new RedisEndpoint(CheckHost(text[..colon], text), ParsePort(text[(colon + 1)..], text));
    }

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    private static string CheckHost(string host, string whole)
    {
        if (host.Length == 0) throw new FormatException($"The Redis endpoint '{whole}' has no host.");
        foreach (char c in host)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
                throw new FormatException($"The Redis endpoint '{whole}' has a host with the character '{c}'.");
        }
        return host;
    }

    private static int ParsePort(string port, string whole)
    {
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value is < 1 or > 65535)
            throw new FormatException($"The port in the Redis endpoint '{whole}' is not a number from 1 to 65535.");
        return value;
    }
}
