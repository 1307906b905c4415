using KvCluster.Tests.Linearizability;

namespace KvCluster.Tests.Transactions;

/// <summary>A read of both accounts (a transaction of two gets), or a transfer: a compare of both values, then a put of both.</summary>
public sealed record TransferInput(bool IsRead, int ExpectA = 0, int ExpectB = 0, int NewA = 0, int NewB = 0)
{
    public override string ToString() => IsRead ? "read a, b" : $"if a={ExpectA} b={ExpectB} then a={NewA} b={NewB}";
}

/// <summary>A read's values, or whether a transfer's compares held.</summary>
public sealed record TransferOutput(bool Succeeded, int A = 0, int B = 0)
{
    public override string ToString() => $"succeeded={Succeeded} a={A} b={B}";
}

public readonly record struct Accounts(int A, int B);

/// <summary>
/// Two accounts changed only by transactions, as a sequential specification for the linearizability checker: the whole
/// history is one partition, since a transaction spans both keys.
/// </summary>
public sealed class TransferModel(Accounts initial) : Model<Accounts, TransferInput, TransferOutput>
{
    public override Accounts Init() => initial;

    public override IEnumerable<Accounts> Step(Accounts state, TransferInput input, TransferOutput output)
    {
        if (input.IsRead) return output.Succeeded && output.A == state.A && output.B == state.B ? [state] : [];
        bool holds = state.A == input.ExpectA && state.B == input.ExpectB;
        if (output.Succeeded != holds) return [];
        return [holds ? new Accounts(input.NewA, input.NewB) : state];
    }

    public override IEnumerable<Accounts> StepUnknown(Accounts state, TransferInput input) =>
        [!input.IsRead && state.A == input.ExpectA && state.B == input.ExpectB ? new Accounts(input.NewA, input.NewB) : state];

    public override bool IsReadOnly(TransferInput input) => input.IsRead;
}
