using System.Text.Json.Serialization;
using System.Text.Unicode;
using KvCluster.Node.StateMachine;

namespace KvCluster.Node.Transactions;

/// <summary>
/// The answer of <c>POST /v1/txn</c>. <see cref="Replayed"/> is true (and present) only when the answer is an
/// <c>Idempotency-Key</c> retry's, which holds less (see <see cref="TxnOpResponse.Replayed"/>).
/// </summary>
public sealed record TxnResponse(bool Succeeded, long Seq, IReadOnlyList<TxnOpResponse> Results)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Replayed { get; init; }
}

/// <summary>
/// One operation's result: a put's <c>version</c>; a delete's <c>deleted</c>; a get's <c>found</c> and, when found,
/// <c>version</c>, <c>contentType</c> and <c>value</c> (UTF-8 text) or <c>valueBase64</c> (other bytes).
/// </summary>
public sealed record TxnOpResponse(string Op, string Key)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Version { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Deleted { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Found { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ContentType { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Value { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ValueBase64 { get; init; }

    public static string Name(TxnOpKind kind) => kind switch
    {
        TxnOpKind.Put => "put",
        TxnOpKind.Delete => "delete",
        _ => "get",
    };

    /// <summary>What the state machine reported for the operation.</summary>
    public static TxnOpResponse Of(TxnOpResult result) => result.Op switch
    {
        TxnOpKind.Put => new("put", result.Key) { Version = result.Version },
        TxnOpKind.Delete => new("delete", result.Key) { Deleted = result.Hit },
        _ when !result.Hit => new("get", result.Key) { Found = false },
        _ => new("get", result.Key)
        {
            Found = true,
            Version = result.Version,
            ContentType = result.ContentType,
            Value = Utf8.IsValid(result.Value.Span) ? System.Text.Encoding.UTF8.GetString(result.Value.Span) : null,
            ValueBase64 = Utf8.IsValid(result.Value.Span) ? null : Convert.ToBase64String(result.Value.Span),
        },
    };

    /// <summary>
    /// The result of an operation of a replayed transaction (an Idempotency-Key retry), at <paramref name="seq"/>: a put's
    /// version is the transaction's seq, as it was; whether a delete found its key and what a get read are not kept, so
    /// they are absent.
    /// </summary>
    public static TxnOpResponse Replayed(TxnOp op, long seq) =>
        op.Kind == TxnOpKind.Put ? new("put", op.Key) { Version = seq } : new(Name(op.Kind), op.Key);
}
