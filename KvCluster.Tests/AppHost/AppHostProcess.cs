using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using KvCluster.AppHost.Local;
using KvCluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace KvCluster.Tests.AppHost;

/// <summary>The AppHost executable run as a user would run it (`dotnet KvCluster.AppHost.dll ...`), its output kept and echoed to the test.</summary>
internal sealed partial class AppHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private AppHostProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public string Output => string.Join(Environment.NewLine, _output);

    public static AppHostProcess Start(ITestOutputHelper testOutput, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = Path.Combine(ClusterBinaries.ProjectOutputDirectory("KvCluster.AppHost"), "KvCluster.AppHost.dll");
        var start = new ProcessStartInfo(ClusterBinaries.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        var process = new Process { StartInfo = start };
        var apphost = new AppHostProcess(process);
        process.OutputDataReceived += (_, e) => apphost.Record(testOutput, e.Data);
        process.ErrorDataReceived += (_, e) => apphost.Record(testOutput, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return apphost;
    }

    /// <summary>
    /// The pids of the endpoint table, once the AppHost has printed all of it: it writes endpoints.json first and
    /// prints the table after, so the file's appearance does not mean the table is there yet.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> WaitForTablePidsAsync(TimeSpan timeout)
    {
        await Eventually.TrueAsync(() => _output.Any(line => line.Contains("Press Ctrl+C to stop.", StringComparison.Ordinal)),
            timeout, () => $"the AppHost printed no endpoint table; output:\n{Output}");
        return TablePids();
    }

    /// <summary>The pids in the endpoint table the AppHost prints: redis, coordinator, node-i.</summary>
    public IReadOnlyDictionary<string, int> TablePids() =>
        _output.Select(line => TableRow().Match(line))
            .Where(match => match.Success)
            .ToDictionary(match => match.Groups["id"].Value, match => int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture));

    /// <summary>Types a command into the AppHost's console.</summary>
    public void SendCommand(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The AppHost did not exit within {timeout.TotalSeconds:0} s. Its output:{Environment.NewLine}{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>After a failed test: the AppHost and everything under it.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
        _process.Dispose();
    }

    private void Record(ITestOutputHelper testOutput, string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        try
        {
            testOutput.WriteLine("[apphost] " + line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished.
        }
    }

    [GeneratedRegex(@"^(?<id>redis|coordinator|node-\d+)\s+\S+\s+(?<pid>\d+)\s*$")]
    private static partial Regex TableRow();
}
