using System.Collections.Concurrent;
using System.Diagnostics;
using KvCluster.Hosting;
using KvCluster.Tests.Infrastructure;

namespace KvCluster.Tests.AppHost;

/// <summary>
/// The AppHost as a user runs it, a process of its own (<c>dotnet KvCluster.AppHost.dll -- …</c>), in a process group
/// of its own so that a test can signal the group as a script would. Killed on dispose if still running.
/// </summary>
public sealed class AppHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private AppHostProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Also the process group's id: setsid makes it the group's leader.</summary>
    public int Id => _process.Id;

    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// Starts the AppHost with <paramref name="args"/>. With <paramref name="interruptIgnored"/>, SIGINT is ignored when it
    /// starts, as for a job a non-interactive shell put in the background.
    /// </summary>
    public static AppHostProcess Start(IEnumerable<string> args, bool interruptIgnored = false) =>
        Start(AssemblyPath(), args, interruptIgnored);

    /// <summary>Starts another AppHost, <paramref name="assemblyPath"/>, the same way, with <paramref name="environment"/> added to its own.</summary>
    public static AppHostProcess Start(string assemblyPath, IEnumerable<string> args, bool interruptIgnored = false,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (interruptIgnored)
        {
            // trap '' INT sets SIGINT to ignored, which exec keeps.
            start.ArgumentList.Add("/bin/sh");
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("trap '' INT; exec \"$0\" \"$@\"");
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(assemblyPath);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return new AppHostProcess(Process.Start(start) ?? throw new InvalidOperationException("setsid did not start"));
    }

    /// <summary>The AppHost built next to its project, as <c>dotnet run</c> runs it.</summary>
    public static string AssemblyPath() => Path.Combine(RepositoryBuild.Root, "KvCluster.AppHost", "bin", RepositoryBuild.Configuration,
        RepositoryBuild.TargetFramework, "KvCluster.AppHost.dll");

    /// <summary>Waits until endpoints.json lists <paramref name="nodes"/> running nodes.</summary>
    public async Task<ClusterEndpoints> WaitForEndpointsAsync(string stateDirectory, int nodes, TimeSpan timeout)
    {
        string path = Path.Combine(stateDirectory, EndpointsFile.FileName);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The AppHost exited with code {_process.ExitCode}:{Environment.NewLine}{Output}");
            if (File.Exists(path))
            {
                var endpoints = await EndpointsFile.ReadAsync(path);
                if (endpoints.Nodes.Count == nodes) return endpoints;
            }
            if (deadline.Elapsed > timeout) throw new TimeoutException($"endpoints.json did not list {nodes} nodes within {timeout}:{Environment.NewLine}{Output}");
            await Task.Delay(200);
        }
    }

    /// <summary>The exit code, or null if it is still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is not null) _output.Enqueue(line);
    }
}
