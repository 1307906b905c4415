namespace KvCluster.ServiceDefaults.Security;

/// <summary>Client token settings under "Kv:Auth" (env Kv__Auth__...). Enabled is read once, at start.</summary>
public sealed class KvAuthOptions
{
    public const string Section = "Kv:Auth";

    /// <summary>Client tokens required on every route but /health and /alive.</summary>
    public bool Enabled { get; set; }

    /// <summary>Kv:Auth:Tokens:{name}: the tokens, by name. The name is what logs and the rate limit use.</summary>
    public Dictionary<string, TokenOptions> Tokens { get; set; } = new(StringComparer.Ordinal);

    /// <summary>An absolute path to a JSON file of the same Tokens shape, reloaded when it changes.</summary>
    public string? TokenFile { get; set; }

    public RateLimitOptions RateLimit { get; set; } = new();
}

/// <summary>One client token: Kv:Auth:Tokens:{name}:Secret, :Role, :Prefix.</summary>
public sealed class TokenOptions
{
    public string? Secret { get; set; }

    /// <summary><c>read</c>, <c>write</c> or <c>admin</c>.</summary>
    public string? Role { get; set; }

    /// <summary>The keys the token may touch: those starting with this; none or empty for every key.</summary>
    public string? Prefix { get; set; }
}

/// <summary>Kv:Auth:RateLimit: a token bucket per client token, read once at start.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests a token may make per second, sustained.</summary>
    public int PermitsPerSecond { get; set; } = 2000;

    /// <summary>Requests a token may make at once after being idle.</summary>
    public int Burst { get; set; } = 4000;
}
