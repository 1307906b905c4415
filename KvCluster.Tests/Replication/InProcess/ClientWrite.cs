using KvCluster.Log.Entries;

namespace KvCluster.Tests.Replication.InProcess;

/// <summary>A write as a client sends it to a node's API; a test varies one with <c>with { ... }</c>.</summary>
internal sealed record ClientWrite(LogOperation Operation, string Key, string Value)
{
    public Precondition Precondition { get; init; } = Precondition.None;

    public string IdempotencyKey { get; init; } = "";

    public static ClientWrite Put(string key, string value) => new(LogOperation.Put, key, value);

    /// <summary>PUT with <c>If-None-Match: *</c>.</summary>
    public static ClientWrite Create(string key, string value) => Put(key, value) with { Precondition = Precondition.MustNotExist };

    public static ClientWrite Delete(string key) => new(LogOperation.Delete, key, "");
}
