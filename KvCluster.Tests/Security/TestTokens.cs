namespace KvCluster.Tests.Security;

/// <summary>The client tokens the secured test services are configured with (Kv:Auth:Tokens), one per role and two with a prefix.</summary>
internal static class TestTokens
{
    public const string Reader = "reader-secret-5f1c";
    public const string Writer = "writer-secret-93ab";
    public const string Admin = "admin-secret-0d7e";
    public const string AppReader = "app-reader-secret-41c2";
    public const string AppWriter = "app-writer-secret-b7d0";

    /// <summary>Every secret a test must never find in a log line or an answer.</summary>
    public static readonly string[] Secrets = [Reader, Writer, Admin, AppReader, AppWriter, TestInternalKey.Value];

    /// <summary>Client tokens on, with the five tokens above.</summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["Kv:Auth:Enabled"] = "true",
        ["Kv:Auth:Tokens:reader:Secret"] = Reader,
        ["Kv:Auth:Tokens:reader:Role"] = "read",
        ["Kv:Auth:Tokens:writer:Secret"] = Writer,
        ["Kv:Auth:Tokens:writer:Role"] = "write",
        ["Kv:Auth:Tokens:admin:Secret"] = Admin,
        ["Kv:Auth:Tokens:admin:Role"] = "admin",
        ["Kv:Auth:Tokens:app-reader:Secret"] = AppReader,
        ["Kv:Auth:Tokens:app-reader:Role"] = "read",
        ["Kv:Auth:Tokens:app-reader:Prefix"] = "app/",
        ["Kv:Auth:Tokens:app-writer:Secret"] = AppWriter,
        ["Kv:Auth:Tokens:app-writer:Role"] = "write",
        ["Kv:Auth:Tokens:app-writer:Prefix"] = "app/",
    };
}
