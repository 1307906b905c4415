using System.Globalization;
using KvCluster.Bench.Measurement;

namespace KvCluster.Bench.Reporting;

/// <summary>The human-readable form of a <see cref="BenchReport"/>.</summary>
public static class ReportTable
{
    public static void Write(TextWriter output, BenchReport report)
    {
        var w = report.Workload;
        string loop = w.IsOpenLoop ? $"open loop at {w.Rate:0} req/s" : "closed loop";
        output.WriteLine(Invariant($"{report.Target} · {w.Scenario} · {loop} · {w.Connections} connections · {w.ValueSize} B values · ") + Invariant(
            $"{w.Keys} keys {w.Distribution.ToString().ToLowerInvariant()} · reads {w.ReadRatio:P0} {w.Consistency.ToString().ToLowerInvariant()}"));
        output.WriteLine(Invariant($"measured {report.MeasuredSeconds:0.#} s after {w.WarmupSeconds:0.#} s warmup") +
            (w.Prefill ? Invariant($"; prefill {report.PrefillSeconds:0.0} s, {report.PrefillErrors} errors") : ""));
        output.WriteLine(Invariant($"throughput  {report.Throughput,12:N0} ops/s   ({report.Operations:N0} ok: {report.Reads:N0} reads, {report.Writes:N0} writes)"));
        output.WriteLine();
        output.WriteLine("latency ms        count      mean       p50       p90       p99     p99.9       max");
        WriteRow(output, "all", report.Latency);
        if (report.Reads > 0 && report.Writes > 0)
        {
            WriteRow(output, "reads", report.ReadLatency);
            WriteRow(output, "writes", report.WriteLatency);
        }
        if (report.ServiceTime is { } serviceTime) WriteRow(output, "service time", serviceTime);
        output.WriteLine();
        output.WriteLine(Invariant($"errors      {report.Errors:N0}"));
        foreach (var (kind, count) in report.ErrorsByKind) output.WriteLine(Invariant($"  {count,10:N0}  {kind}"));
        if (report.ProcessCosts.Count == 0) return;
        output.WriteLine();
        output.WriteLine("cost per operation     CPU µs   cores   allocated B   gen0   gen1   gen2   GC pause ms");
        foreach (var cost in report.ProcessCosts)
        {
            output.WriteLine(Invariant($"{cost.Process,-20}{cost.CpuMicrosecondsPerOperation,9:0.0}{cost.Cores,8:0.00}") + Invariant(
                $"{Optional(cost.AllocatedBytesPerOperation, "N0"),14}{Optional(cost.Gen0Collections, "0"),7}{Optional(cost.Gen1Collections, "0"),7}") + Invariant(
                $"{Optional(cost.Gen2Collections, "0"),7}{Optional(cost.GcPauseMilliseconds, "0.0"),14}"));
        }
    }

    private static string Optional<T>(T? value, string format) where T : struct, IFormattable =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static void WriteRow(TextWriter output, string name, LatencySummary s) =>
        output.WriteLine(Invariant($"{name,-12}{s.Count,11:N0}{s.Mean,10:0.000}{s.P50,10:0.000}{s.P90,10:0.000}{s.P99,10:0.000}{s.P999,10:0.000}{s.Max,10:0.000}"));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
