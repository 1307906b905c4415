using System.Text.Json;
using System.Text.Json.Serialization;

namespace KvCluster.RedisLog.Log;

/// <summary>
/// The node → coordinator append request (POST /v1/append): commands in the order the node wants them sequenced.
/// </summary>
public sealed class AppendRequest
{
    public required List<AppendWireCommand> Commands { get; init; }
}

/// <summary>One command on the wire. The value travels as base64 (System.Text.Json's form for byte[]).</summary>
public sealed class AppendWireCommand
{
    /// <summary>"put" or "del".</summary>
    public required string Op { get; init; }
    public required string Key { get; init; }
    public byte[]? Value { get; init; }
    public string? ContentType { get; init; }
    /// <summary>"", "*" or a version number (<see cref="Precondition.Encode"/>).</summary>
    public string? Precondition { get; init; }
    public string? IdempotencyKey { get; init; }
    public required string RequestId { get; init; }
    public string? TraceParent { get; init; }
    public string? Origin { get; init; }

    public static AppendWireCommand From(AppendCommand command) => new()
    {
        Op = OperationCodes.Encode(command.Operation),
        Key = command.Key,
        Value = command.Value.IsEmpty ? null : command.Value.ToArray(),
        ContentType = command.ContentType.Length == 0 ? null : command.ContentType,
        Precondition = command.Precondition.Kind == PreconditionKind.None ? null : command.Precondition.Encode(),
        IdempotencyKey = command.IdempotencyKey.Length == 0 ? null : command.IdempotencyKey,
        RequestId = command.RequestId,
        TraceParent = command.TraceParent.Length == 0 ? null : command.TraceParent,
        Origin = command.OriginNode.Length == 0 ? null : command.OriginNode,
    };

    /// <summary>Converts back, throwing <see cref="FormatException"/> for values a node would never send.</summary>
    public AppendCommand ToCommand() => new()
    {
        Operation = Op switch
        {
            OperationCodes.Put => LogOperation.Put,
            OperationCodes.Delete => LogOperation.Delete,
            _ => throw new FormatException($"Unknown operation '{Op}'."),
        },
        Key = string.IsNullOrEmpty(Key) ? throw new FormatException("A command has no key.") : Key,
        Value = Value ?? [],
        ContentType = ContentType ?? "",
        Precondition = ParsePrecondition(Precondition),
        IdempotencyKey = IdempotencyKey ?? "",
        RequestId = string.IsNullOrEmpty(RequestId) ? throw new FormatException("A command has no request id.") : RequestId,
        TraceParent = TraceParent ?? "",
        OriginNode = Origin ?? "",
    };

    private static Precondition ParsePrecondition(string? text)
    {
        if (string.IsNullOrEmpty(text)) return Log.Precondition.None;
        if (text == "*") return Log.Precondition.MustNotExist;
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long version)
            ? Log.Precondition.VersionMatches(version)
            : throw new FormatException($"Precondition '{text}' is neither '*' nor a version.");
    }
}

/// <summary>The coordinator's answer: one result per command, in request order.</summary>
public sealed class AppendResponse
{
    public required List<AppendWireResult> Results { get; init; }
}

public sealed class AppendWireResult
{
    public long Seq { get; init; }
    /// <summary>True when the command was already in the log (a retry); <see cref="Seq"/> is where it landed first.</summary>
    public bool Duplicate { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AppendRequest))]
[JsonSerializable(typeof(AppendResponse))]
public sealed partial class AppendWireJsonContext : JsonSerializerContext;
