using System.Globalization;
using System.Text;
using KvCluster.Bench.Reporting;

namespace KvCluster.Bench.Comparison;

/// <summary>
/// results.md's account of where an operation's CPU went: for each cell that watched its processes (KvCluster's
/// nodes, coordinator and Redis; Redis alone), the CPU each spent per operation in the median round.
/// </summary>
public static class ProcessCostTable
{
    public static void Append(StringBuilder md, IReadOnlyList<BenchReport> cells)
    {
        ArgumentNullException.ThrowIfNull(md);
        // Every cell has the load generator; a cell that watched nothing else has no breakdown to show.
        var watched = cells.Where(cell => cell.ProcessCosts.Count > 1)
            .OrderBy(cell => cell.Workload.ValueSize)
            .ThenBy(cell => IndexOf(Scenarios.Compared, cell.Workload.Scenario))
            .ThenBy(cell => IndexOf(Scenarios.Systems, cell.Target))
            .ToList();
        if (watched.Count == 0) return;
        var processes = watched.SelectMany(cell => cell.ProcessCosts.Select(cost => cost.Process)).Distinct().ToList();

        md.AppendLine();
        md.AppendLine("## Where an operation's CPU went");
        md.AppendLine();
        md.AppendLine("CPU time of each process in the measured window of the median round, divided by the operations in it (µs per " +
            "operation; – where the process was not part of that system). The cells' JSON reports also give each .NET process's " +
            "bytes allocated per operation, its collections and GC pauses (`processCosts`).");
        md.AppendLine();
        md.AppendLine("| system | workload | value | " + string.Join(" | ", processes) + " | all |");
        md.AppendLine("|---|---|---|" + string.Concat(Enumerable.Repeat("---:|", processes.Count + 1)));
        foreach (var cell in watched)
        {
            var costs = cell.ProcessCosts.ToDictionary(cost => cost.Process, cost => cost.CpuMicrosecondsPerOperation);
            md.Append(Invariant($"| {Scenarios.DisplayName(cell.Target)} | {cell.Workload.Scenario} | {Scenarios.SizeName(cell.Workload.ValueSize)} |"));
            foreach (string process in processes) md.Append(costs.TryGetValue(process, out double cpu) ? Invariant($" {cpu:0.0} |") : " – |");
            md.AppendLine(Invariant($" {costs.Values.Sum():0.0} |"));
        }
    }

    private static int IndexOf(IReadOnlyList<string> order, string name)
    {
        for (int i = 0; i < order.Count; i++) if (order[i] == name) return i;
        return order.Count;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
