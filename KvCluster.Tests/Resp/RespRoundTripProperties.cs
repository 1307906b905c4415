using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using KvCluster.Log.Client;
using KvCluster.Log.Resp;

namespace KvCluster.Tests.Resp;

/// <summary>Random commands and random bytes against the reader and writer.</summary>
public class RespRoundTripProperties
{
    private static readonly Gen<byte[]> Argument =
        Gen.Frequency(
            (4, Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf()),
            // Bytes that look like protocol text are the interesting ones.
            (2, Gen.Elements((byte)'\r', (byte)'\n', (byte)'$', (byte)'*', (byte)'-', (byte)'0', (byte)'9').ArrayOf()),
            (1, Gen.Choose(9_000, 20_000).Select(n => new byte[n])));

    private static readonly Gen<(byte[][] Parts, int[] Cuts)> CommandAndCuts =
        from parts in Gen.NonEmptyListOf(Argument)
        from cuts in Gen.Choose(0, 1_000_000).ArrayOf()
        select (parts.ToArray(), cuts);

    [Fact]
    public void Written_commands_read_back_as_arrays_of_the_same_bulk_strings_however_they_are_cut()
    {
        Prop.ForAll(CommandAndCuts.ToArbitrary(), input =>
        {
            var command = new RedisCommand(input.Parts[0]);
            foreach (var part in input.Parts.Skip(1)) command.Add(part);
            var output = new ArrayBufferWriter<byte>();
            RespWriter.WriteCommand(output, command);
            var bytes = output.WrittenSpan.ToArray();

            // The same bytes cut into random segments, as network reads would deliver them.
            var cutPoints = input.Cuts.Select(c => c % (bytes.Length + 1)).Distinct().Order().ToArray();
            var pieces = new List<byte[]>();
            int start = 0;
            foreach (int cut in cutPoints)
            {
                pieces.Add(bytes[start..cut]);
                start = cut;
            }
            pieces.Add(bytes[start..]);
            var sequence = Segments.Of([.. pieces]);

            if (!RespReader.TryRead(sequence, out var value, out var consumed)) return false;
            if (!consumed.Equals(sequence.End) || value.Type != RespType.Array || value.Items.Count != input.Parts.Length) return false;
            for (int i = 0; i < input.Parts.Length; i++)
            {
                if (value.Items[i].Type != RespType.BulkString || !value.Items[i].Bytes.Span.SequenceEqual(input.Parts[i])) return false;
            }
            // One byte short is always "incomplete", never an error.
            return !RespReader.TryRead(sequence.Slice(0, sequence.Length - 1), out _, out _);
        }).QuickCheckThrowOnFailure();
    }

    private static readonly Gen<byte[]> ProtocolishBytes =
        Gen.Frequency(
            (3, Gen.Elements("+", "-", ":", "$", "*", "\r\n", "\r", "\n", "-1", "0", "3", "12", "abc", "99999999999999999999", "_", "?")
                .ListOf()
                .Select(tokens => System.Text.Encoding.ASCII.GetBytes(string.Concat(tokens)))),
            (1, Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf()));

    [Fact]
    public void Arbitrary_bytes_only_ever_parse_wait_for_more_or_throw_protocol_exception()
    {
        Prop.ForAll(ProtocolishBytes.ToArbitrary(), bytes =>
        {
            try
            {
                var sequence = new ReadOnlySequence<byte>(bytes);
                bool read = RespReader.TryRead(sequence, out _, out var consumed);
                bool skipped = RespReader.TrySkip(sequence, out var skippedTo);
                return read == skipped && (!read || consumed.Equals(skippedTo));
            }
            catch (RespProtocolException)
            {
                return true;
            }
        }).QuickCheckThrowOnFailure();
    }
}
