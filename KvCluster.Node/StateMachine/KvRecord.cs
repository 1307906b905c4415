namespace KvCluster.Node.StateMachine;

/// <summary>
/// The stored state of one key. Immutable: a write replaces the whole record, so a reader on
/// another thread sees either the old record or the new one, never a mix.
/// </summary>
public sealed class KvRecord
{
    // A plain array of exactly the value's length: no slice of a larger buffer is kept alive,
    // and a record costs one object header plus five fields.
    private readonly byte[] _value;

    /// <summary>Makes a record holding its own copy of <paramref name="value"/>.</summary>
    public KvRecord(ReadOnlySpan<byte> value, string contentType, long version, long createdSeq)
        : this(CopyOf(value), contentType, version, createdSeq)
    {
    }

    private KvRecord(byte[] ownedValue, string contentType, long version, long createdSeq, string lease = "")
    {
        ArgumentNullException.ThrowIfNull(contentType);
        ArgumentNullException.ThrowIfNull(lease);
        _value = ownedValue;
        ContentType = contentType;
        Version = version;
        CreatedSeq = createdSeq;
        Lease = lease;
    }

    public ReadOnlyMemory<byte> Value => _value;

    /// <summary>The Content-Type the value was written with ("" when none was given).</summary>
    public string ContentType { get; }

    /// <summary>The seq of the key's last write.</summary>
    public long Version { get; }

    /// <summary>The seq at which this incarnation of the key was created (reset by delete + put).</summary>
    public long CreatedSeq { get; }

    /// <summary>The lease the key is attached to ("" when none): the key is deleted when that lease ends.</summary>
    public string Lease { get; }

    public int Size => _value.Length;

    /// <summary>Values at least this large live on the pinned object heap, which a collection never copies.</summary>
    internal const int PinnedHeapThreshold = 4 * 1024;

    /// <summary>An array for a value of <paramref name="length"/> bytes, to be filled by the caller.</summary>
    internal static byte[] NewValue(int length) => length >= PinnedHeapThreshold
        ? GC.AllocateUninitializedArray<byte>(length, pinned: true)
        : GC.AllocateUninitializedArray<byte>(length);

    /// <summary>A copy of <paramref name="value"/> in an array of its own (see <see cref="NewValue"/>).</summary>
    internal static byte[] CopyOf(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty) return [];
        var copy = NewValue(value.Length);
        value.CopyTo(copy);
        return copy;
    }

    /// <summary>Takes ownership of <paramref name="ownedValue"/>; the caller must not keep or change it.</summary>
    internal static KvRecord Own(byte[] ownedValue, string contentType, long version, long createdSeq, string lease = "") =>
        new(ownedValue, contentType, version, createdSeq, lease);
}
