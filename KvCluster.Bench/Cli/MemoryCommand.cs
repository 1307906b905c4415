using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KvCluster.Bench.Memory;
using KvCluster.Bench.Reporting;

namespace KvCluster.Bench.Cli;

/// <summary><c>memory</c>: bytes of managed heap per stored key in the node's state machine.</summary>
internal static class MemoryCommand
{
    public static Command Create()
    {
        var keys = new Option<int>("--keys") { Description = "Keys to store", DefaultValueFactory = _ => 1_000_000 };
        var valueSize = new Option<int>("--value-size") { Description = "Bytes per value", DefaultValueFactory = _ => 100 };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the report as JSON to this file" };
        var command = new Command("memory", "Apply N puts to a node's state machine in this process and report managed heap bytes per key")
        {
            keys, valueSize, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var report = MemoryProbe.Measure(result.GetValue(keys), result.GetValue(valueSize));
            var output = result.InvocationConfiguration.Output;
            output.WriteLine(Invariant($"{report.Keys:N0} keys of {report.KeyLength} characters, {report.ValueSize} B values, applied in {report.ApplySeconds:0.00} s"));
            output.WriteLine(Invariant($"managed heap {report.HeapBytes / 1048576.0:N1} MiB = {report.BytesPerKey:0.0} B per key ({report.OverheadPerKey:0.0} B beyond the value bytes)"));
            foreach (var (part, bytes) in report.Breakdown) output.WriteLine(Invariant($"  {bytes,7:0.0} B  {part}"));
            if (result.GetValue(json) is { } file)
            {
                file.Directory?.Create();
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(report, BenchJsonContext.Default.MemoryReport), cancellationToken);
            }
            return 0;
        });
        return command;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
