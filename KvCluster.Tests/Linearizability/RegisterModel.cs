namespace KvCluster.Tests.Linearizability;

public enum RegisterOperation { Read, Write, Cas }

/// <summary>read, write v, or cas [from to] on one register.</summary>
public readonly record struct RegisterInput(RegisterOperation Operation, int Value = 0, int From = 0, int To = 0)
{
    public override string ToString() => Operation switch
    {
        RegisterOperation.Read => "read",
        RegisterOperation.Write => $"write {Value}",
        _ => $"cas [{From} {To}]",
    };
}

/// <summary>A read's value (null: nil), or whether a write or cas succeeded.</summary>
public readonly record struct RegisterOutput(bool Ok, int? Value = null)
{
    public override string ToString() => Value is int value ? value.ToString(System.Globalization.CultureInfo.InvariantCulture) : Ok ? "ok" : "fail";
}

/// <summary>
/// A compare-and-set register that starts empty (nil), as in Jepsen's etcd test: a cas on an empty register fails.
/// The state is the value, null for nil.
/// </summary>
public sealed class RegisterModel : Model<int?, RegisterInput, RegisterOutput>
{
    public static readonly RegisterModel Instance = new();

    public override int? Init() => null;

    public override IEnumerable<int?> Step(int? state, RegisterInput input, RegisterOutput output) => input.Operation switch
    {
        RegisterOperation.Read => output.Value == state ? [state] : [],
        RegisterOperation.Write => [input.Value],
        _ => (state == input.From) == output.Ok ? [output.Ok ? input.To : state] : [],
    };

    public override IEnumerable<int?> StepUnknown(int? state, RegisterInput input) => input.Operation switch
    {
        RegisterOperation.Read => [state],
        RegisterOperation.Write => [input.Value],
        _ => [state == input.From ? input.To : state],
    };

    public override bool IsReadOnly(RegisterInput input) => input.Operation == RegisterOperation.Read;

    public override string DescribeState(int? state) => state?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nil";
}
