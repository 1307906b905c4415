namespace KvCluster.AppHost.Local;

/// <summary>
/// Commands typed into a running AppHost: grow the cluster without a restart, show where things are.
/// </summary>
public static class AdminCommands
{
    public const string Help = "Commands: add-node (start one more node; it catches up from Redis), status, help.";

    /// <summary>Reads commands until the input ends or <paramref name="stopping"/> fires.</summary>
    public static async Task RunAsync(TextReader input, LocalCluster cluster, TextWriter output, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            string? line;
            try
            {
                // ReadLine blocks and is not cancellable; a background read is abandoned on stop.
                line = await Task.Run(input.ReadLine, CancellationToken.None).WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (line is null) return; // no console (CI, a service manager): nothing to read
            await ExecuteAsync(line.Trim(), cluster, output, stopping).ConfigureAwait(false);
        }
    }

    public static async Task ExecuteAsync(string command, LocalCluster cluster, TextWriter output, CancellationToken cancellationToken)
    {
        switch (command)
        {
            case "":
                return;
            case "add-node":
                try
                {
                    var node = await cluster.AddNodeAsync(cancellationToken).ConfigureAwait(false);
                    output.WriteLine($"Added {node.Name} at {node.Url.GetLeftPart(UriPartial.Authority)} (pid {node.ProcessId}); it is ready.");
                }
                catch (Exception e) when (e is ChildNotReadyException or InvalidOperationException or IOException)
                {
                    output.WriteLine($"Could not add a node: {e.Message}");
                }
                return;
            case "status":
                foreach (var child in (ChildService[])[cluster.Coordinator, .. cluster.Nodes])
                {
                    output.WriteLine($"{child.Name,-12} {child.Url.GetLeftPart(UriPartial.Authority),-24} " +
                                     $"{(child.IsRunning ? $"pid {child.ProcessId}" : "stopped")}, restarts {child.RestartCount}");
                }
                return;
            case "help":
                output.WriteLine(Help);
                return;
            default:
                output.WriteLine($"Unknown command '{command}'. {Help}");
                return;
        }
    }
}
