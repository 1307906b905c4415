using System.Buffers;
using System.Text;
using KvCluster.Node.StateMachine;
using KvCluster.Node.Watch;

namespace KvCluster.Tests.Watch;

public sealed class WatchEventFormatTests
{
    private static string Format(params KvChange[] changes)
    {
        var output = new ArrayBufferWriter<byte>();
        using var format = new WatchEventFormat();
        format.WriteChanges(output, changes);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static KvChange Put(long seq, string key, byte[] value, string contentType = "text/plain") =>
        new(seq, key, KvChangeKind.Put, seq, contentType, value);

    [Fact]
    public void A_UTF8_value_is_sent_as_text_and_any_other_bytes_as_base64()
    {
        var (events, _) = SseParser.ParseAll(Format(
            Put(7, "config/greeting", Encoding.UTF8.GetBytes("héllo\nwörld")),
            Put(8, "blobs/1", [0xFF, 0xFE, 0x00, 0x41], "application/octet-stream")));

        Assert.Equal(2, events.Count);
        var text = events[0].Json;
        Assert.Equal("put", events[0].Event);
        Assert.Equal(7, text.GetProperty("seq").GetInt64());
        Assert.Equal("config/greeting", text.GetProperty("key").GetString());
        Assert.Equal("put", text.GetProperty("op").GetString());
        Assert.Equal(7, text.GetProperty("version").GetInt64());
        Assert.Equal("text/plain", text.GetProperty("contentType").GetString());
        Assert.Equal("héllo\nwörld", text.GetProperty("value").GetString());
        Assert.False(text.TryGetProperty("valueBase64", out _));
        Assert.False(text.TryGetProperty("cause", out _));

        var binary = events[1].Json;
        Assert.Equal(Convert.ToBase64String([0xFF, 0xFE, 0x00, 0x41]), binary.GetProperty("valueBase64").GetString());
        Assert.False(binary.TryGetProperty("value", out _));
    }

    [Fact]
    public void Each_event_is_one_data_line_whatever_the_key_and_value_hold()
    {
        string text = Format(Put(3, "a\u2028b", Encoding.UTF8.GetBytes("line1\r\nline2\rline3\n\n")));

        string[] lines = text.Split('\n');
        Assert.Equal(["id: 3", "event: put"], lines[..2]);
        Assert.StartsWith("data: {", lines[2]);
        Assert.Equal(["", ""], lines[3..]);
        Assert.DoesNotContain('\r', text);
    }

    [Fact]
    public void A_delete_has_no_value_and_a_lease_deletion_says_its_cause()
    {
        var (events, _) = SseParser.ParseAll(Format(
            new KvChange(9, "locks/a", KvChangeKind.Delete, 9, "", ReadOnlyMemory<byte>.Empty),
            new KvChange(10, "locks/b", KvChangeKind.Delete, 10, "", ReadOnlyMemory<byte>.Empty, KvChange.LeaseExpiredCause)));

        Assert.Equal("delete", events[0].Event);
        Assert.Equal("delete", events[0].Json.GetProperty("op").GetString());
        Assert.False(events[0].Json.TryGetProperty("value", out _));
        Assert.False(events[0].Json.TryGetProperty("cause", out _));
        Assert.Equal("lease-expired", events[1].Json.GetProperty("cause").GetString());
    }

    [Fact]
    public void Only_the_last_event_of_a_seq_carries_the_id_so_Last_Event_ID_means_that_seq_is_complete()
    {
        var (events, parser) = SseParser.ParseAll(Format(
            Put(5, "txn/a", "1"u8.ToArray()), Put(5, "txn/b", "2"u8.ToArray()), Put(5, "txn/c", "3"u8.ToArray()), Put(6, "txn/d", "4"u8.ToArray())));

        Assert.Equal([null, null, "5", "6"], events.Select(e => e.Id));
        Assert.Equal("6", parser.LastEventId);
    }

    [Fact]
    public void The_close_event_says_why_and_through_which_seq_everything_was_delivered()
    {
        var output = new ArrayBufferWriter<byte>();
        using var format = new WatchEventFormat();
        WatchEventFormat.WriteComment(output, "heartbeat");
        format.WriteClose(output, "slow-consumer", "fell behind", 41);

        var (events, parser) = SseParser.ParseAll(Encoding.UTF8.GetString(output.WrittenSpan));

        Assert.Equal(["heartbeat"], parser.Comments);
        var close = Assert.Single(events);
        Assert.Equal("close", close.Event);
        Assert.Null(close.Id);
        Assert.Equal("slow-consumer", close.Json.GetProperty("reason").GetString());
        Assert.Equal(41, close.Json.GetProperty("lastSeq").GetInt64());
    }
}
