namespace KvCluster.Tests.Security;

/// <summary>The internal key in-process services are given (Kv:InternalKey), as the AppHost gives one to a cluster.</summary>
internal static class TestInternalKey
{
    public const string Value = "in-process-test-internal-key";

    public static KeyValuePair<string, string?> Setting => new("Kv:InternalKey", Value);
}
