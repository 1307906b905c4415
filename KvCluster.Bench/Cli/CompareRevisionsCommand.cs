using System.CommandLine;
using KvCluster.Bench.Comparison;

namespace KvCluster.Bench.Cli;

/// <summary>
/// <c>compare-revisions</c>: the cell reports of a before/after run (scripts/bench-compare.sh), one directory per
/// side and one for etcd, into comparison.md: what moved between the two builds, cell by cell.
/// </summary>
internal static class CompareRevisionsCommand
{
    public static Command Create()
    {
        var baseCells = new Option<DirectoryInfo>("--base") { Description = "Directory of the base build's cell reports", Required = true };
        var headCells = new Option<DirectoryInfo>("--head") { Description = "Directory of the head build's cell reports", Required = true };
        var etcdCells = new Option<DirectoryInfo?>("--etcd") { Description = "Directory of etcd's cell reports from the same rounds" };
        var baseLabel = new Option<string>("--base-label") { Description = "How the table names the base build", DefaultValueFactory = _ => "base" };
        var headLabel = new Option<string>("--head-label") { Description = "How the table names the head build", DefaultValueFactory = _ => "head" };
        var output = new Option<DirectoryInfo>("--output") { Description = "Where to write comparison.md", Required = true };
        var command = new Command("compare-revisions", "Tabulate a before/after run: each cell's medians on both builds and the change")
        {
            baseCells, headCells, etcdCells, baseLabel, headLabel, output,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var before = ComparisonBuilder.ReadCells(result.GetValue(baseCells)!.FullName);
            var after = ComparisonBuilder.ReadCells(result.GetValue(headCells)!.FullName);
            var etcd = result.GetValue(etcdCells) is { } directory ? ComparisonBuilder.ReadCells(directory.FullName) : [];
            var cells = RevisionComparison.Build(before, after, etcd);
            string markdown = RevisionTable.Render(cells, result.GetValue(baseLabel)!, result.GetValue(headLabel)!, before.Concat(after).FirstOrDefault());
            var target = result.GetValue(output)!;
            target.Create();
            await File.WriteAllTextAsync(Path.Combine(target.FullName, "comparison.md"), markdown, cancellationToken);
            result.InvocationConfiguration.Output.Write(markdown);
            return 0;
        });
        return command;
    }
}
