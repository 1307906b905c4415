using System.Globalization;

namespace KvCluster.Log.Client;

/// <summary>Reads the StackExchange.Redis connection string format into <see cref="RedisConnectionOptions"/>.</summary>
internal static class RedisConnectionStringParser
{
    public static RedisConnectionOptions Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new ArgumentException("The Redis connection string is empty.", nameof(connectionString));

        var options = new RedisConnectionOptions();
        var endPoints = new List<RedisEndpoint>();
        foreach (var rawToken in connectionString.Split(','))
        {
            var token = rawToken.Trim();
            if (token.Length == 0) continue;

            int equals = token.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                endPoints.Add(RedisEndpoint.Parse(token));
                continue;
            }

            // Split at the first '=': a password may itself contain '='.
            string key = token[..equals].Trim();
            string value = token[(equals + 1)..].Trim();
            options = key.ToLowerInvariant() switch
            {
                "password" => options with { Password = value },
                "user" => options with { User = value.Length == 0 ? null : value },
                "ssl" => options with { Ssl = ParseBool(key, value) },
                "sslhost" => options with { SslHost = value.Length == 0 ? null : value },
                "defaultdatabase" => options with { DefaultDatabase = ParseInt(key, value, min: 0) },
                "connecttimeout" => options with { ConnectTimeout = ParseMilliseconds(key, value) },
                "synctimeout" => options with { SyncTimeout = ParseMilliseconds(key, value) },
                "abortconnect" => options with { AbortConnect = ParseBool(key, value) },
                "name" => options with { ClientName = value.Length == 0 ? null : value },
                _ => options, // other StackExchange.Redis keys (allowAdmin, connectRetry, ...) mean nothing here
            };
        }

        if (endPoints.Count == 0)
            throw new FormatException($"The Redis connection string has no host:port endpoint: '{Mask(connectionString)}'.");
        return options with { EndPoints = endPoints };
    }

    private static bool ParseBool(string key, string value) =>
        bool.TryParse(value, out bool result)
            ? result
            : throw new FormatException($"The Redis connection string option '{key}' must be true or false, not '{value}'.");

    private static int ParseInt(string key, string value, int min) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int result) && result >= min
            ? result
            : throw new FormatException($"The Redis connection string option '{key}' must be a whole number >= {min}, not '{value}'.");

    private static TimeSpan ParseMilliseconds(string key, string value) => TimeSpan.FromMilliseconds(ParseInt(key, value, min: 1));

    // Errors quote the string; never its password.
    private static string Mask(string connectionString) =>
        string.Join(',', connectionString.Split(',').Select(t =>
            t.TrimStart().StartsWith("password=", StringComparison.OrdinalIgnoreCase) ? "password=*****" : t));
}
