using System.Diagnostics;

namespace KvCluster.Tests.Infrastructure;

/// <summary>
/// redis-cli from PATH (installed with redis-server), run with a deadline: how tests form a Redis Cluster and look at
/// what the services stored, with a client that is not the one under test.
/// </summary>
public static class RedisCli
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>What one run printed, and how it ended.</summary>
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        /// <summary>The output's lines, without empty ones.</summary>
        public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Runs redis-cli and returns what it printed; fails when it exits non-zero or runs past the deadline.</summary>
    public static async Task<Result> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var result = await TryRunAsync(arguments, timeout).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"redis-cli exited with {result.ExitCode}:{Environment.NewLine}{result.Output}{result.Error}");
        return result;
    }

    /// <summary>Runs redis-cli and returns how it ended, whatever the exit code; fails only past the deadline.</summary>
    public static async Task<Result> TryRunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(FindExecutable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start.");
        // Given no command, redis-cli reads commands from stdin; closed, it has none to wait for.
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"redis-cli {string.Join(' ', start.ArgumentList)} did not finish within {(timeout ?? DefaultTimeout).TotalSeconds:0} s.");
        }
        return new Result(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    private static string FindExecutable() =>
        RedisServerProcess.FindExecutable() is { } server && Path.GetDirectoryName(server) is { } directory
            && File.Exists(Path.Combine(directory, "redis-cli"))
            ? Path.Combine(directory, "redis-cli")
            : throw new RedisServerNotFoundException();
}
