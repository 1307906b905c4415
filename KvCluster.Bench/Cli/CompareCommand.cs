using System.CommandLine;
using System.Text.Json;
using KvCluster.Bench.Comparison;
using KvCluster.Bench.Reporting;

namespace KvCluster.Bench.Cli;

/// <summary><c>compare</c>: the cell reports of one side-by-side run into results.json, results.md and throughput.svg.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var input = new Option<DirectoryInfo>("--input") { Description = "Directory of the run's JSON reports (one per cell)", Required = true };
        var output = new Option<DirectoryInfo>("--output") { Description = "Where to write results.json, results.md and throughput.svg", Required = true };
        var memory = new Option<FileInfo?>("--memory") { Description = "A memory subcommand's JSON report to include" };
        var systemWarmup = new Option<double>("--system-warmup")
        {
            Description = "Seconds of unmeasured load each system had before its first cell, for the report's text",
        };
        var command = new Command("compare", "Tabulate a side-by-side run: ratios against etcd and the trivial endpoint, and a bar chart")
        {
            input, output, memory, systemWarmup,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var cells = ComparisonBuilder.ReadCells(result.GetValue(input)!.FullName);
            var results = ComparisonBuilder.Build(cells) with
            {
                Memory = result.GetValue(memory) is { } file
                    ? JsonSerializer.Deserialize(await File.ReadAllTextAsync(file.FullName, cancellationToken), BenchJsonContext.Default.MemoryReport)
                    : null,
                SystemWarmupSeconds = result.GetValue(systemWarmup),
            };
            var directory = result.GetValue(output)!;
            directory.Create();
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "results.json"),
                JsonSerializer.Serialize(results, BenchJsonContext.Default.ComparisonResults), cancellationToken);
            string markdown = MarkdownTable.Render(results);
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "results.md"), markdown, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "throughput.svg"), ThroughputChart.Render(results), cancellationToken);
            result.InvocationConfiguration.Output.Write(markdown);
            return 0;
        });
        return command;
    }
}
