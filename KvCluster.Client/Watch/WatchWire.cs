using System.Text.Json;

namespace KvCluster.Client;

/// <summary>The <c>data:</c> of a <c>put</c> or <c>delete</c> event of <c>GET /v1/watch</c>.</summary>
internal sealed record WatchEventBody(long Seq, string Key, string Op, long Version, string? ContentType, string? Value, string? ValueBase64,
    string? Cause);

/// <summary>The <c>data:</c> of the <c>close</c> event a node ends a stream with: why, and through which seq all was sent.</summary>
internal sealed record WatchCloseBody(string? Reason, string? Detail, long LastSeq);

/// <summary>Turns each server-sent event of a watch stream into what it carries; anything else is null and ignored.</summary>
internal static class WatchWire
{
    public const string Put = "put";
    public const string Delete = "delete";
    public const string Close = "close";
    public const string CommentPrefix = ": watching from seq ";

    public static object? Parse(string eventType, ReadOnlySpan<byte> data) => eventType switch
    {
        Put or Delete => JsonSerializer.Deserialize(data, ClientJsonContext.Default.WatchEventBody),
        Close => JsonSerializer.Deserialize(data, ClientJsonContext.Default.WatchCloseBody),
        _ => null,
    };

    public static KvChange ToChange(WatchEventBody body) => new()
    {
        Seq = body.Seq,
        Key = body.Key,
        Op = body.Op == Delete ? KvChangeOp.Delete : KvChangeOp.Put,
        Value = body.Value is not null ? System.Text.Encoding.UTF8.GetBytes(body.Value)
            : body.ValueBase64 is not null ? Convert.FromBase64String(body.ValueBase64)
            : ReadOnlyMemory<byte>.Empty,
        ContentType = body.ContentType ?? "",
        Version = body.Version,
        Cause = body.Cause,
    };
}
