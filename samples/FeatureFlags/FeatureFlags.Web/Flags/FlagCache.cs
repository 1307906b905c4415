using System.Collections.Immutable;

namespace FeatureFlags.Web.Flags;

/// <summary>
/// Every flag, in memory: GETs are answered from here, never from the cluster. <see cref="FlagWatcher"/> loads it and
/// keeps it current. It knows its position, the seq up to which every change is in it; a flag is replaced only by a
/// newer version of its key, so a change that arrives twice (from the listing and from the watch) is harmless.
/// </summary>
public sealed class FlagCache
{
    private const long NotLoaded = -1;

    // Readers take the dictionary as it is, without a lock; writers replace it under the gate.
    private readonly Lock _gate = new();
    private ImmutableSortedDictionary<string, Flag> _flags = ImmutableSortedDictionary.Create<string, Flag>(StringComparer.Ordinal);
    private long _position = NotLoaded;

    public bool IsLoaded => Position != NotLoaded;

    /// <summary>Every change up to this seq is in the cache; the watch goes on from the next.</summary>
    public long Position => Volatile.Read(ref _position);

    public Flag? Find(string name) => Volatile.Read(ref _flags).GetValueOrDefault(name);

    /// <summary>Every flag, by name.</summary>
    public IReadOnlyList<Flag> All() => [.. Volatile.Read(ref _flags).Values];

    /// <summary>Replaces everything with a listing that holds every change up to <paramref name="position"/>.</summary>
    public void Load(IEnumerable<Flag> flags, long position)
    {
        lock (_gate)
        {
            Volatile.Write(ref _flags, flags.ToImmutableSortedDictionary(flag => flag.Name, flag => flag, StringComparer.Ordinal));
            Volatile.Write(ref _position, position);
        }
    }

    /// <summary>A put the watch delivered, at <paramref name="seq"/>.</summary>
    public void Set(Flag flag, long seq)
    {
        lock (_gate)
        {
            SetIfNewer(flag);
            Advance(seq);
        }
    }

    /// <summary>A delete the watch delivered (or a put of something that is no flag): gone unless the flag is newer.</summary>
    public void Remove(string name, long version, long seq)
    {
        lock (_gate)
        {
            if (_flags.TryGetValue(name, out var held) && held.Version < version) Volatile.Write(ref _flags, _flags.Remove(name));
            Advance(seq);
        }
    }

    /// <summary>A change the watch delivered that is no flag's.</summary>
    public void Skip(long seq)
    {
        lock (_gate) Advance(seq);
    }

    /// <summary>
    /// A write this service made, so that its own GETs show it before the watch brings it. Ignored once the watch has gone
    /// past it: a later change of the flag (a delete, say) is in the cache already and must not be undone.
    /// </summary>
    public void SetOwnWrite(Flag flag)
    {
        lock (_gate)
        {
            if (flag.Version > _position) SetIfNewer(flag);
        }
    }

    private void SetIfNewer(Flag flag)
    {
        if (!_flags.TryGetValue(flag.Name, out var held) || held.Version < flag.Version) Volatile.Write(ref _flags, _flags.SetItem(flag.Name, flag));
    }

    private void Advance(long seq)
    {
        if (seq > _position) Volatile.Write(ref _position, seq);
    }
}
