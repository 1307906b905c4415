using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using KvCluster.Node.StateMachine;

namespace KvCluster.Node.Watch;

/// <summary>
/// A watch stream's bytes, as server-sent events (text/event-stream): one event per change, <c>event: put</c> or
/// <c>event: delete</c>, its data one line of JSON. <c>id:</c> (the seq) only on the last event of a seq, so a client's
/// Last-Event-ID always means "every change of that seq delivered" (SSE keeps the previous id for an event without one).
/// Comment lines start with ':'; the last event of a stream the node ends is <c>event: close</c>. docs/architecture.md §8.1.
/// </summary>
public sealed class WatchEventFormat : IDisposable
{
    public const string ContentType = "text/event-stream";

    // Relaxed: the stream is not HTML, so non-ASCII text stays readable; control characters (and so line breaks)
    // are still escaped, which keeps each data field on one line.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Utf8JsonWriter _json = new(Stream.Null, JsonOptions);

    /// <summary>
    /// Writes one event per change, in order. The changes are whole seqs (a seq's matching changes all here or none):
    /// the last one of each seq carries the id.
    /// </summary>
    public void WriteChanges(IBufferWriter<byte> output, IReadOnlyList<KvChange> changes)
    {
        for (int i = 0; i < changes.Count; i++)
        {
            bool lastOfSeq = i + 1 == changes.Count || changes[i + 1].Seq != changes[i].Seq;
            WriteChange(output, changes[i], lastOfSeq);
        }
    }

    public void WriteChange(IBufferWriter<byte> output, KvChange change, bool lastOfSeq)
    {
        if (lastOfSeq)
        {
            Ascii(output, "id: ");
            Ascii(output, change.Seq.ToString(CultureInfo.InvariantCulture));
            Ascii(output, "\n");
        }
        string op = change.Kind == KvChangeKind.Put ? "put" : "delete";
        Ascii(output, "event: ");
        Ascii(output, op);
        Ascii(output, "\ndata: ");
        _json.Reset(output);
        _json.WriteStartObject();
        _json.WriteNumber("seq", change.Seq);
        _json.WriteString("key", change.Key);
        _json.WriteString("op", op);
        _json.WriteNumber("version", change.Version);
        _json.WriteString("contentType", change.ContentType);
        if (change.Kind == KvChangeKind.Put)
        {
            var value = change.Value.Span;
            if (Utf8.IsValid(value)) _json.WriteString("value", value);
            else _json.WriteBase64String("valueBase64", value);
        }
        if (change.Cause.Length > 0) _json.WriteString("cause", change.Cause);
        _json.WriteEndObject();
        _json.Flush();
        Ascii(output, "\n\n");
    }

    /// <summary>A comment line (clients ignore it): the stream's start, a heartbeat.</summary>
    public static void WriteComment(IBufferWriter<byte> output, string text)
    {
        Ascii(output, ": ");
        Utf8Text(output, text.ReplaceLineEndings(" "));
        Ascii(output, "\n\n");
    }

    /// <summary>
    /// The last event of a stream the node ends: why (<paramref name="reason"/> a fixed word, <paramref name="detail"/>
    /// a sentence) and the seq through which every change was delivered (resume with from = it + 1, or Last-Event-ID: it).
    /// </summary>
    public void WriteClose(IBufferWriter<byte> output, string reason, string detail, long lastSeq)
    {
        Ascii(output, "event: close\ndata: ");
        _json.Reset(output);
        _json.WriteStartObject();
        _json.WriteString("reason", reason);
        _json.WriteString("detail", detail);
        _json.WriteNumber("lastSeq", lastSeq);
        _json.WriteEndObject();
        _json.Flush();
        Ascii(output, "\n\n");
    }

    public void Dispose() => _json.Dispose();

    private static void Ascii(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        int written = Encoding.ASCII.GetBytes(text, span);
        output.Advance(written);
    }

    private static void Utf8Text(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
