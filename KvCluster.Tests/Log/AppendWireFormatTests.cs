using System.Text;
using KvCluster.Log.Entries;

namespace KvCluster.Tests.Log;

public sealed class AppendWireFormatTests
{
    private static readonly AppendCommand[] Commands =
    [
        new()
        {
            Operation = LogOperation.Put, Key = "users/ä", Value = Encoding.UTF8.GetBytes("{\"a\":1}"), ContentType = "application/json",
            Precondition = Precondition.VersionMatches(42), IdempotencyKey = "idem", RequestId = "r1", TraceParent = "00-ab-cd-01", OriginNode = "node-2",
        },
        new() { Operation = LogOperation.Delete, Key = "gone", Precondition = Precondition.MustNotExist, RequestId = "r2" },
    ];

    [Fact]
    public void Requests_round_trip_with_every_field()
    {
        var decoded = AppendWireFormat.DecodeRequest(AppendWireFormat.EncodeRequest(Commands));
        Assert.Equal(Commands.Length, decoded.Length);
        for (int i = 0; i < Commands.Length; i++)
        {
            Assert.Equal(Commands[i] with { Value = default }, decoded[i] with { Value = default, Encoded = default });
            Assert.Equal(Commands[i].Value.ToArray(), decoded[i].Value.ToArray());
        }
    }

    [Fact]
    public void A_command_keeps_its_encoded_bytes_and_they_decode_to_the_same_command()
    {
        var decoded = AppendWireFormat.DecodeRequest(AppendWireFormat.EncodeRequest(Commands));
        var again = EntryBlob.Decode(decoded[0].Encoded);
        Assert.Equal(decoded[0].Encoded.ToArray(), EntryBlob.Encode(Commands[0]));
        Assert.Equal("users/ä", again.Key);
        Assert.Equal(Precondition.VersionMatches(42), again.Precondition);
    }

    [Fact]
    public void A_command_is_encoded_in_the_documented_layout()
    {
        // EntryBlob's layout, written out by hand: the operation byte, then eight length-prefixed fields (int32 LE).
        var expected = new List<byte> { (byte)LogOperation.Put };
        foreach (string field in new[] { "users/ä", "{\"a\":1}", "application/json", "42", "idem", "r1", "00-ab-cd-01", "node-2" })
        {
            byte[] bytes = Encoding.UTF8.GetBytes(field);
            expected.AddRange(BitConverter.GetBytes(bytes.Length));
            expected.AddRange(bytes);
        }

        Assert.True(BitConverter.IsLittleEndian);
        Assert.Equal(expected.ToArray(), EntryBlob.Encode(Commands[0]));
        Assert.Equal(expected.Count, EntryBlob.GetEncodedLength(Commands[0]));
    }

    [Fact]
    public void Responses_round_trip()
    {
        AppendOutcome[] outcomes = [new(7, false), new(3, true)];
        Assert.Equal(outcomes, AppendWireFormat.DecodeResponse(AppendWireFormat.EncodeResponse(outcomes)));
    }

    [Fact]
    public void Truncated_or_foreign_bytes_are_refused_with_a_format_error()
    {
        var bytes = AppendWireFormat.EncodeRequest(Commands);
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<FormatException>(() => AppendWireFormat.DecodeRequest(bytes.AsMemory(0, length)));
        }
        Assert.Throws<FormatException>(() => AppendWireFormat.DecodeRequest("{\"commands\":[]}"u8.ToArray()));
        Assert.Throws<FormatException>(() => AppendWireFormat.DecodeRequest((byte[])[.. bytes, 0]));
    }
}
