namespace KvCluster.Tests.Linearizability;

public enum KvOperation { Get, Put, Delete }

public enum KvPrecondition { None, IfMatch, IfNoneMatch }

/// <summary>A request of docs/architecture.md §4 on one key: GET, PUT value, DELETE, optionally If-Match: "version" or If-None-Match: *.</summary>
public sealed record KvInput(KvOperation Operation, string Key, string? Value = null, KvPrecondition Precondition = KvPrecondition.None,
    long MatchVersion = 0)
{
    public override string ToString()
    {
        string condition = Precondition switch
        {
            KvPrecondition.IfMatch => $" if-match {MatchVersion}",
            KvPrecondition.IfNoneMatch => " if-none-match *",
            _ => "",
        };
        return Operation switch
        {
            KvOperation.Get => "get",
            KvOperation.Put => $"put \"{Value}\"{condition}",
            _ => $"delete{condition}",
        };
    }
}

public enum KvResult { Found, NotFound, Written, Deleted, PreconditionFailed }

/// <summary>
/// What the node answered: Found (value, version) for a GET; Written (version = the put's seq, Created) for a PUT;
/// Deleted (version = the delete's seq) for a DELETE; NotFound (404) or PreconditionFailed (412).
/// </summary>
public sealed record KvOutput(KvResult Result, string? Value = null, long Version = 0, bool Created = false)
{
    public override string ToString() => Result switch
    {
        KvResult.Found => $"\"{Value}\" v{Version}",
        KvResult.Written => $"{(Created ? "created" : "replaced")} v{Version}",
        KvResult.Deleted => $"deleted at {Version}",
        KvResult.NotFound => "not found",
        _ => "precondition failed",
    };
}

/// <summary>
/// One key's state. When <see cref="Exact"/>, the key's version (the seq of its last write) is <see cref="Version"/>;
/// otherwise only a bound is known: the version, and every later write's seq, is greater than <see cref="Version"/>.
/// </summary>
public readonly record struct KvKeyState(bool Exists, string? Value, long Version, bool Exact)
{
    public override string ToString() =>
        !Exists ? $"absent (later writes > {Version})" : Exact ? $"\"{Value}\" v{Version}" : $"\"{Value}\" v>{Version}";
}

/// <summary>
/// The key-value API as a sequential specification, one key per partition. Versions are assigned by the log, so the
/// model cannot predict them; it accepts an observed version as long as it is consistent with log order (a write's
/// seq is greater than the version it replaced), and after a write with an unseen outcome it keeps only that bound.
/// This is sound: a correct system's log order is a linearization that meets every check here.
/// </summary>
public sealed class KvModel : Model<KvKeyState, KvInput, KvOutput>
{
    public static readonly KvModel Instance = new();

    public override KvKeyState Init() => new(false, null, 0, false);

    public override IEnumerable<KvKeyState> Step(KvKeyState state, KvInput input, KvOutput output)
    {
        if (input.Operation == KvOperation.Get)
        {
            bool possible = output.Result switch
            {
                KvResult.Found => state.Exists && state.Value == output.Value && VersionMayBe(state, output.Version),
                KvResult.NotFound => !state.Exists,
                _ => false,
            };
            if (!possible) return [];
            return output.Result == KvResult.Found ? [state with { Version = output.Version, Exact = true }] : [state];
        }

        var (mayHold, mayFail) = Precondition(state, input);
        switch (output.Result)
        {
            case KvResult.PreconditionFailed:
                return mayFail && input.Precondition != KvPrecondition.None ? [state] : [];
            case KvResult.Written when input.Operation == KvOperation.Put:
                return mayHold && output.Created == !state.Exists && output.Version > state.Version && output.Version > input.MatchVersion
                    ? [new KvKeyState(true, input.Value, output.Version, true)]
                    : [];
            case KvResult.Deleted when input.Operation == KvOperation.Delete:
                return mayHold && state.Exists && output.Version > state.Version && output.Version > input.MatchVersion
                    ? [new KvKeyState(false, null, output.Version, false)]
                    : [];
            case KvResult.NotFound when input.Operation == KvOperation.Delete:
                return mayHold && !state.Exists ? [state] : [];
            default:
                return [];
        }
    }

    public override IEnumerable<KvKeyState> StepUnknown(KvKeyState state, KvInput input)
    {
        if (input.Operation == KvOperation.Get) return [state];
        var (mayHold, mayFail) = Precondition(state, input);
        var states = new List<KvKeyState>(2);
        if (mayFail) states.Add(state);
        if (mayHold)
        {
            // Succeeded at an unseen seq, later than the version it replaced (which was MatchVersion if conditional).
            long bound = Math.Max(state.Version, input.MatchVersion);
            states.Add(input.Operation == KvOperation.Put ? new KvKeyState(true, input.Value, bound, false) : state.Exists ? new KvKeyState(false, null, bound, false) : state);
        }
        return states;
    }

    public override bool IsReadOnly(KvInput input) => input.Operation == KvOperation.Get;

    public override IEnumerable<IReadOnlyList<Operation<KvInput, KvOutput>>> Partition(IReadOnlyList<Operation<KvInput, KvOutput>> history) =>
        history.GroupBy(operation => operation.Input.Key, StringComparer.Ordinal).OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => (IReadOnlyList<Operation<KvInput, KvOutput>>)group.ToList());

    public override string DescribePartition(IReadOnlyList<Operation<KvInput, KvOutput>> partition) =>
        partition.Count == 0 ? "empty" : $"key \"{partition[0].Input.Key}\"";

    public override string DescribeState(KvKeyState state) => state.ToString();

    /// <summary>Whether the write's precondition may hold, and whether it may fail, in <paramref name="state"/>.</summary>
    private static (bool MayHold, bool MayFail) Precondition(KvKeyState state, KvInput input) => input.Precondition switch
    {
        KvPrecondition.None => (true, false),
        KvPrecondition.IfNoneMatch => (!state.Exists, state.Exists),
        _ when !state.Exists => (false, true),
        _ when state.Exact => (state.Version == input.MatchVersion, state.Version != input.MatchVersion),
        _ => (input.MatchVersion > state.Version, true),
    };

    private static bool VersionMayBe(KvKeyState state, long version) => state.Exact ? state.Version == version : version > state.Version;
}
