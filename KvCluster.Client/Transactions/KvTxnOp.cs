using System.Text;

namespace KvCluster.Client;

/// <summary>What an operation of a transaction does.</summary>
public enum KvTxnOpKind
{
    /// <summary>Writes a value.</summary>
    Put,

    /// <summary>Deletes the key.</summary>
    Delete,

    /// <summary>Reads the key, as the branch has left it so far.</summary>
    Get,
}

/// <summary>One operation of a <see cref="KvTxn"/> branch: a put, a delete or a get of one key.</summary>
public sealed record KvTxnOp
{
    private KvTxnOp(KvTxnOpKind kind, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        Kind = kind;
        Key = key;
    }

    /// <summary>Put, delete or get.</summary>
    public KvTxnOpKind Kind { get; }

    /// <summary>The key.</summary>
    public string Key { get; }

    /// <summary>A put's value; empty otherwise.</summary>
    public ReadOnlyMemory<byte> Value { get; private init; }

    /// <summary>A put's content type; null when none.</summary>
    public string? ContentType { get; private init; }

    /// <summary>Writes <paramref name="value"/> under <paramref name="key"/>; the key's version becomes the transaction's seq.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The bytes.</param>
    /// <param name="contentType">Kept with the value; none when null.</param>
    public static KvTxnOp Put(string key, ReadOnlyMemory<byte> value, string? contentType = null) =>
        new(KvTxnOpKind.Put, key) { Value = value, ContentType = contentType };

    /// <summary>Writes <paramref name="value"/> as UTF-8 text (<c>text/plain; charset=utf-8</c>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The text.</param>
    public static KvTxnOp PutString(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Put(key, Encoding.UTF8.GetBytes(value), "text/plain; charset=utf-8");
    }

    /// <summary>Deletes <paramref name="key"/>; its result says whether it existed.</summary>
    /// <param name="key">The key.</param>
    public static KvTxnOp Delete(string key) => new(KvTxnOpKind.Delete, key);

    /// <summary>Reads <paramref name="key"/> at the transaction's seq, as the branch has left it so far.</summary>
    /// <param name="key">The key.</param>
    public static KvTxnOp Get(string key) => new(KvTxnOpKind.Get, key);
}
