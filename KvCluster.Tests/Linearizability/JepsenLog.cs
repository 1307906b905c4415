using System.Globalization;
using System.Text.RegularExpressions;

namespace KvCluster.Tests.Linearizability;

/// <summary>
/// Reads a Jepsen register history (`INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4]`). Time is the line number.
/// :ok completes an operation; :fail means it did not happen (a failed cas is a completed "false");
/// :info, or no completion at all, means the outcome is unknown.
/// </summary>
public static partial class JepsenLog
{
    [GeneratedRegex(@"^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s+(.*?)\s*$")]
    private static partial Regex LinePattern();

    [GeneratedRegex(@"^\[(\d+)\s+(\d+)\]$")]
    private static partial Regex CasPattern();

    public static List<Operation<RegisterInput, RegisterOutput>> Parse(IEnumerable<string> lines)
    {
        var history = new List<Operation<RegisterInput, RegisterOutput>>();
        var open = new Dictionary<int, (RegisterInput Input, long Call)>();
        long time = 0;
        foreach (string line in lines)
        {
            time++;
            var match = LinePattern().Match(line);
            if (!match.Success)
            {
                if (line.Trim().Length == 0) continue;
                throw new FormatException($"Line {time} is not a Jepsen history line: {line}");
            }
            int process = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            string kind = match.Groups[2].Value;
            string operation = match.Groups[3].Value;
            string value = match.Groups[4].Value;

            if (kind == "invoke")
            {
                if (open.ContainsKey(process)) throw new FormatException($"Line {time}: process {process} invokes while an operation is open.");
                open[process] = (ParseInput(operation, value, time), time);
                continue;
            }
            if (!open.Remove(process, out var called)) throw new FormatException($"Line {time}: process {process} completes nothing.");
            switch (kind)
            {
                case "ok":
                    var output = called.Input.Operation == RegisterOperation.Read
                        ? new RegisterOutput(true, value == "nil" ? null : int.Parse(value, CultureInfo.InvariantCulture))
                        : new RegisterOutput(true);
                    history.Add(new(process, called.Input, called.Call, output, time));
                    break;
                case "fail" when called.Input.Operation == RegisterOperation.Cas:
                    history.Add(new(process, called.Input, called.Call, new RegisterOutput(false), time));
                    break;
                case "fail":
                    break; // a failed read or write had no effect
                default:
                    history.Add(Operation<RegisterInput, RegisterOutput>.Unknown(process, called.Input, called.Call));
                    break;
            }
        }
        foreach (var (process, called) in open) history.Add(Operation<RegisterInput, RegisterOutput>.Unknown(process, called.Input, called.Call));
        return history;
    }

    private static RegisterInput ParseInput(string operation, string value, long line)
    {
        switch (operation)
        {
            case "read":
                return new RegisterInput(RegisterOperation.Read);
            case "write":
                return new RegisterInput(RegisterOperation.Write, Value: int.Parse(value, CultureInfo.InvariantCulture));
            default:
                var cas = CasPattern().Match(value);
                if (!cas.Success) throw new FormatException($"Line {line}: a cas needs [from to], got '{value}'.");
                return new RegisterInput(RegisterOperation.Cas,
                    From: int.Parse(cas.Groups[1].Value, CultureInfo.InvariantCulture), To: int.Parse(cas.Groups[2].Value, CultureInfo.InvariantCulture));
        }
    }
}
