using KvCluster.Node.StateMachine;

namespace KvCluster.Tests.Snapshots;

/// <summary>Any damage to a snapshot is detected with a reason; none is ever loaded.</summary>
public sealed class SnapshotCorruptionTests
{
    private static readonly byte[] Snapshot = RandomStates.SnapshotBytes(new RandomStates(seed: 21, windowMs: 60_000, largeValueBytes: 100).Build(count: 60, keySpace: 12));

    [Fact]
    public void Flipping_any_single_byte_is_detected()
    {
        Assert.InRange(Snapshot.Length, 1_000, 8_000); // every byte is tried: keep it small but not trivial
        for (int at = 0; at < Snapshot.Length; at++)
        {
            var damaged = (byte[])Snapshot.Clone();
            damaged[at] ^= 0x5A;
            var error = Assert.Throws<SnapshotFormatException>(() => RandomStates.Restore(damaged));
            Assert.False(string.IsNullOrWhiteSpace(error.Reason));
        }
    }

    [Fact]
    public void Truncating_anywhere_is_detected_on_files_and_on_unseekable_streams()
    {
        for (int length = 0; length < Snapshot.Length; length++)
        {
            var truncated = Snapshot.AsSpan(0, length).ToArray();
            Assert.Throws<SnapshotFormatException>(() => RandomStates.Restore(truncated));
            Assert.Throws<SnapshotFormatException>(() => KvStateMachine.ReadSnapshot(new UnseekableStream(truncated)));
        }
    }

    [Fact]
    public void The_intact_snapshot_also_reads_from_an_unseekable_stream()
    {
        var restored = KvStateMachine.ReadSnapshot(new UnseekableStream(Snapshot), TimeSpan.FromMinutes(1));
        Assert.Equal(RandomStates.Restore(Snapshot, TimeSpan.FromMinutes(1)).ComputeDigest(), restored.ComputeDigest());
    }

    [Fact]
    public void Wrong_magic_says_it_is_not_a_snapshot()
    {
        var damaged = (byte[])Snapshot.Clone();
        "NOTKVS"u8.CopyTo(damaged);
        var error = Assert.Throws<SnapshotFormatException>(() => RandomStates.Restore(damaged));
        Assert.Contains("KVSNAP", error.Reason);
    }

    [Fact]
    public void A_future_format_version_is_refused_as_newer()
    {
        var damaged = (byte[])Snapshot.Clone();
        damaged[6] = 99; // little-endian uint16 after the 6-byte magic: far past the current version
        var error = Assert.Throws<SnapshotFormatException>(() => RandomStates.Restore(damaged));
        Assert.Contains("newer", error.Reason);
    }

    [Fact]
    public void A_checksum_mismatch_is_named_as_such()
    {
        var damaged = (byte[])Snapshot.Clone();
        damaged[^1] ^= 1;
        var error = Assert.Throws<SnapshotFormatException>(() => RandomStates.Restore(damaged));
        Assert.Contains("checksum", error.Reason);
    }

    [Fact]
    public void Bytes_after_the_checksum_are_refused()
    {
        byte[] longer = [.. Snapshot, 0];
        var error = Assert.Throws<SnapshotFormatException>(() => RandomStates.Restore(longer));
        Assert.Contains("after the checksum", error.Reason);
    }

    /// <summary>A pipe-like stream: no length, no seeking, reads of a few bytes at a time.</summary>
    private sealed class UnseekableStream(byte[] bytes) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, 7), bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
