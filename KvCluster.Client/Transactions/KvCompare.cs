using System.Text;

namespace KvCluster.Client;

/// <summary>A condition of a <see cref="KvTxn"/> on one key: its version, whether it exists, or its exact value.</summary>
public sealed record KvCompare
{
    private KvCompare(string key) => Key = key;

    /// <summary>The key the condition is on.</summary>
    public string Key { get; }

    /// <summary>The version the key must be at (0: it must not exist); null when the condition is of another kind.</summary>
    public long? Version { get; private init; }

    /// <summary>Whether the key must exist; null when the condition is of another kind.</summary>
    public bool? Exists { get; private init; }

    /// <summary>The bytes the key's value must be exactly; null when the condition is of another kind.</summary>
    public ReadOnlyMemory<byte>? Value { get; private init; }

    /// <summary>The key is at <paramref name="version"/> (a <see cref="KvItem.Version"/>; 0 means the key does not exist).</summary>
    /// <param name="key">The key.</param>
    /// <param name="version">The version, 0 or more.</param>
    public static KvCompare VersionIs(string key, long version)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        return new(Checked(key)) { Version = version };
    }

    /// <summary>The key exists.</summary>
    /// <param name="key">The key.</param>
    public static KvCompare Present(string key) => new(Checked(key)) { Exists = true };

    /// <summary>The key does not exist.</summary>
    /// <param name="key">The key.</param>
    public static KvCompare Absent(string key) => new(Checked(key)) { Exists = false };

    /// <summary>The key exists and its value is exactly <paramref name="value"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The bytes.</param>
    public static KvCompare ValueIs(string key, ReadOnlyMemory<byte> value) => new(Checked(key)) { Value = value };

    /// <summary>The key exists and its value is exactly <paramref name="value"/> in UTF-8.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The text.</param>
    public static KvCompare ValueIs(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return ValueIs(key, Encoding.UTF8.GetBytes(value));
    }

    private static string Checked(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return key;
    }
}
