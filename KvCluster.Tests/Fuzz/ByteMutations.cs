using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;

namespace KvCluster.Tests.Fuzz;

/// <summary>
/// Damage to valid bytes, as a generator: flipped bytes, length fields overwritten with the values that break
/// parsers (0, -1, the remaining length ± 1, int.MaxValue…), truncation, garbage appended or inserted. Applied a few
/// at a time to a valid encoding, so most inputs get past the first check and reach the deeper ones.
/// </summary>
internal static class ByteMutations
{
    private static readonly Gen<byte> Bytes = Gen.Choose(0, 255).Select(b => (byte)b);

    /// <summary>Entirely random bytes, mostly short, sometimes a few KiB.</summary>
    public static readonly Gen<byte[]> RandomBytes =
        Gen.Frequency((4, Gen.Choose(0, 64)), (1, Gen.Choose(65, 4096))).SelectMany(length => Bytes.ArrayOf(length));

    /// <summary><paramref name="valid"/> with one to four mutations applied, or left intact one time in ten.</summary>
    public static Gen<byte[]> Mutated(Gen<byte[]> valid) =>
        from bytes in valid
        from count in Gen.Frequency((1, Gen.Constant(0)), (9, Gen.Choose(1, 4)))
        from seed in Gen.Choose(0, int.MaxValue)
        select Apply(bytes, count, new Random(seed));

    private static byte[] Apply(byte[] bytes, int count, Random random)
    {
        var result = new List<byte>(bytes);
        for (int i = 0; i < count; i++) Mutate(result, random);
        return [.. result];
    }

    private static void Mutate(List<byte> bytes, Random random)
    {
        int at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
        switch (random.Next(6))
        {
            case 0 when bytes.Count > 0:
                bytes[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when bytes.Count >= 4:
                at = Math.Min(at, bytes.Count - 4);
                Span<byte> field = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(field, InterestingLength(bytes.Count - at - 4, random));
                for (int j = 0; j < 4; j++) bytes[at + j] = field[j];
                break;
            case 2:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 3:
                for (int j = random.Next(1, 16); j > 0; j--) bytes.Add((byte)random.Next(256));
                break;
            case 4:
                bytes.Insert(at, (byte)random.Next(256));
                break;
            default:
                if (bytes.Count > 0) bytes.RemoveAt(at);
                break;
        }
    }

    private static int InterestingLength(int remaining, Random random) => random.Next(9) switch
    {
        0 => 0,
        1 => -1,
        2 => int.MinValue,
        3 => int.MaxValue,
        4 => remaining,
        5 => remaining + 1,
        6 => Math.Max(remaining - 1, 0),
        7 => 64 * 1024 * 1024,
        _ => random.Next(),
    };
}
