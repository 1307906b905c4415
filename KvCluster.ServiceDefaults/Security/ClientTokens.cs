using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvCluster.ServiceDefaults.Security;

/// <summary>
/// The configured client tokens (Kv:Auth:Tokens and Kv:Auth:TokenFile), kept as digests and swapped whole when the
/// configuration reloads, so a token is rotated by editing the file. A bad entry at start refuses the start
/// (<see cref="SecurityExtensions.AddKvSecurity{TBuilder}"/>); a bad entry in a reload is left out and logged by name.
/// </summary>
public sealed class ClientTokens : IDisposable
{
    private readonly ILogger<ClientTokens> _logger;
    private readonly IDisposable? _reloads;
    private volatile Entry[] _entries;

    public ClientTokens(IOptionsMonitor<KvAuthOptions> options, ILogger<ClientTokens> logger)
    {
        _logger = logger;
        _entries = Parse(options.CurrentValue, problems: null);
        _reloads = options.OnChange(Reload);
    }

    /// <summary>
    /// The grant of the token <paramref name="presented"/>, or null. Every entry is compared, in constant time, so
    /// the time taken says nothing about which or how much of a token matched; there are few tokens.
    /// </summary>
    public TokenGrant? Find(ReadOnlySpan<char> presented)
    {
        Span<byte> digest = stackalloc byte[SecretHash.Length];
        SecretHash.Compute(presented, digest);
        TokenGrant? found = null;
        foreach (var entry in _entries)
        {
            if (SecretHash.Equal(digest, entry.Digest)) found = entry.Grant;
        }
        return found;
    }

    /// <summary>Parses the tokens; each one that cannot be used is left out and described in <paramref name="problems"/>.</summary>
    public static Entry[] Parse(KvAuthOptions options, List<string>? problems)
    {
        var entries = new List<Entry>(options.Tokens.Count);
        foreach (var (name, token) in options.Tokens.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            string where = $"{KvAuthOptions.Section}:Tokens:{name}";
            if (string.IsNullOrWhiteSpace(token.Secret))
            {
                problems?.Add($"{where}:Secret is empty: give every token a secret.");
                continue;
            }
            if (!KvRoles.TryParse(token.Role, out var role))
            {
                problems?.Add($"{where}:Role is '{token.Role}': it must be read, write or admin.");
                continue;
            }
            var digest = SecretHash.Of(token.Secret);
            if (entries.FirstOrDefault(e => SecretHash.Equal(e.Digest, digest)) is { } same)
            {
                problems?.Add($"{where}:Secret is the secret of token '{same.Grant.Name}' as well: each token needs its own.");
                continue;
            }
            entries.Add(new Entry(digest, new TokenGrant(name, role, token.Prefix ?? "")));
        }
        return [.. entries];
    }

    private void Reload(KvAuthOptions options)
    {
        var problems = new List<string>();
        _entries = Parse(options, problems);
        foreach (string problem in problems) _logger.LogWarning("Client token left out after a reload: {Problem}", problem);
        _logger.LogInformation("Client tokens reloaded: {Count} in use", _entries.Length);
    }

    public void Dispose() => _reloads?.Dispose();

    public sealed record Entry(byte[] Digest, TokenGrant Grant);
}
