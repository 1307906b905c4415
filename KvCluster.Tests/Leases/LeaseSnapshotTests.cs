using System.Text;
using KvCluster.Node.StateMachine;
using KvCluster.Tests.Snapshots;

namespace KvCluster.Tests.Leases;

/// <summary>Snapshots (and so checkpoints) carry the leases: a restored replica expires the same keys at the same entry.</summary>
public sealed class LeaseSnapshotTests
{
    private const string Lease = "00000000000000a1";
    private const string Other = "00000000000000b2";

    [Fact]
    public void A_snapshot_with_leases_restores_the_same_leases_and_keys_and_the_revoke_then_does_the_same()
    {
        var log = new LeaseLog();
        var original = new KvStateMachine();
        foreach (var entry in new[]
                 {
                     log.Grant(Lease, ttlSeconds: 5), log.Grant(Other, ttlSeconds: 60), log.Put("svc/a", "1", lease: Lease),
                     log.Put("svc/b", "2", lease: Lease), log.Put("leader", "n1", lease: Other), log.Put("plain", "p"),
                 })
        {
            original.Apply(entry);
        }

        var restored = RandomStates.Restore(RandomStates.SnapshotBytes(original));

        Assert.Equal(original.ComputeDigestWithSeq(), restored.ComputeDigestWithSeq());
        Assert.Equal((original.GetLease(Lease)!.TtlSeconds, original.GetLease(Lease)!.GrantedSeq, original.GetLease(Lease)!.GrantDeadlineUnixMs),
            (restored.GetLease(Lease)!.TtlSeconds, restored.GetLease(Lease)!.GrantedSeq, restored.GetLease(Lease)!.GrantDeadlineUnixMs));
        Assert.Equal(["svc/a", "svc/b"], restored.GetLease(Lease)!.Keys);
        Assert.Equal(["leader"], restored.GetLease(Other)!.Keys);
        Assert.Equal(2, restored.LeaseCount);
        Assert.True(restored.TryGet("svc/a", out var record));
        Assert.Equal(Lease, record.Lease);

        var expiry = log.Expire(Lease);
        var changesBefore = new List<KvChange>();
        var changesAfter = new List<KvChange>();
        Assert.Equal(original.Apply(expiry, changesBefore), restored.Apply(expiry, changesAfter));
        Assert.Equal(changesBefore.Select(c => (c.Key, c.Cause)), changesAfter.Select(c => (c.Key, c.Cause)));
        Assert.Equal(2, changesAfter.Count);
        Assert.Equal(original.ComputeDigest(), restored.ComputeDigest());
    }

    [Fact]
    public void A_snapshot_of_format_version_1_written_before_leases_is_still_read()
    {
        byte[] v1 = VersionOneSnapshot(appliedSeq: 7, logTime: 1_700_000_000_123, chainHash: "abc",
            [("alpha", 3, 2, "text/plain", "one"), ("beta", 7, 7, "", "two")]);

        var machine = RandomStates.Restore(v1);

        Assert.Equal(7, machine.AppliedSeq);
        Assert.Equal(2, machine.Count);
        Assert.True(machine.TryGet("alpha", out var alpha));
        Assert.Equal("one", Encoding.UTF8.GetString(alpha.Value.Span));
        Assert.Equal(3, alpha.Version);
        Assert.Equal("", alpha.Lease);
        Assert.Equal(0, machine.LeaseCount);
        // Written again, it is a version 2 snapshot of the same state.
        var again = RandomStates.Restore(RandomStates.SnapshotBytes(machine));
        Assert.Equal(machine.ComputeDigest(), again.ComputeDigest());
        Assert.Equal(2, KvStateMachine.ReadSnapshotHeader(new MemoryStream(RandomStates.SnapshotBytes(machine))).FormatVersion);
    }

    [Fact]
    public void A_snapshot_whose_key_names_a_lease_it_does_not_hold_is_refused()
    {
        var log = new LeaseLog();
        var machine = new KvStateMachine();
        machine.Apply(log.Grant(Lease));
        machine.Apply(log.Put("k", "v", lease: Lease));
        byte[] snapshot = RandomStates.SnapshotBytes(machine);

        // Rename the lease in the table only (its id is the last string before three int64s and the checksum), then
        // fix the checksum, so only the mismatch is left to find.
        byte[] damaged = (byte[])snapshot.Clone();
        int idAt = damaged.Length - 32 - 3 * sizeof(long) - Lease.Length;
        Assert.Equal(Lease, Encoding.ASCII.GetString(damaged, idAt, Lease.Length));
        damaged[idAt + Lease.Length - 1] = (byte)'f';
        System.Security.Cryptography.SHA256.HashData(damaged.AsSpan(0, damaged.Length - 32)).CopyTo(damaged.AsSpan(damaged.Length - 32));

        var error = Assert.Throws<SnapshotFormatException>(() => RandomStates.Restore(damaged));
        Assert.Contains("does not hold", error.Reason);
    }

    // The version 1 layout, written field by field here rather than by the code under test.
    private static byte[] VersionOneSnapshot(long appliedSeq, long logTime, string chainHash,
        (string Key, long Version, long Created, string ContentType, string Value)[] records)
    {
        using var buffer = new MemoryStream();
        using (var writer = new SnapshotWriter(buffer))
        {
            writer.WriteRaw("KVSNAP"u8);
            writer.WriteUInt16(1);
            writer.WriteInt64(appliedSeq);
            writer.WriteInt64(logTime);
            writer.WriteString(chainHash);
            writer.WriteInt64(records.Length);
            foreach (var (key, version, created, contentType, value) in records)
            {
                byte[] bytes = Encoding.UTF8.GetBytes(value);
                writer.WriteInt32(sizeof(int) * 3 + Encoding.UTF8.GetByteCount(key) + sizeof(long) * 2 + Encoding.UTF8.GetByteCount(contentType) + bytes.Length);
                writer.WriteString(key);
                writer.WriteInt64(version);
                writer.WriteInt64(created);
                writer.WriteString(contentType);
                writer.WriteLengthPrefixed(bytes);
            }
            writer.WriteInt64(0); // no idempotency records
            writer.Finish();
        }
        return buffer.ToArray();
    }
}
