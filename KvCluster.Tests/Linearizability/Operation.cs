namespace KvCluster.Tests.Linearizability;

/// <summary>
/// One operation of a history: called at <see cref="Call"/>, answered <see cref="Output"/> at <see cref="Return"/>.
/// An operation whose outcome is unknown has <see cref="Return"/> = <see cref="Never"/>: it may take effect at any
/// time after its call, or not at all (Porcupine's way of handling Jepsen's :info).
/// </summary>
public sealed record Operation<TInput, TOutput>(int ClientId, TInput Input, long Call, TOutput? Output, long Return)
{
    public const long Never = long.MaxValue;

    public bool IsUnknown => Return == Never;

    public static Operation<TInput, TOutput> Unknown(int clientId, TInput input, long call) => new(clientId, input, call, default, Never);
}
