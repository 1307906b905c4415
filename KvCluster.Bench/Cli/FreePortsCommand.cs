using System.CommandLine;
using KvCluster.Bench.Ports;

namespace KvCluster.Bench.Cli;

/// <summary>
/// <c>free-ports --count N</c> (hidden): N distinct loopback ports free now, one per line, for scripts/bench.sh,
/// picked by <see cref="PortAllocator"/> (below the ephemeral range, never twice in one process).
/// </summary>
internal static class FreePortsCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "How many ports", DefaultValueFactory = _ => 1 };
        var consecutive = new Option<bool>("--consecutive") { Description = "A run of consecutive ports (the AppHost's port-base layout)" };
        var command = new Command("free-ports", "Print free loopback ports") { count, consecutive };
        command.Hidden = true;
        command.SetAction(result =>
        {
            int n = result.GetValue(count);
            ArgumentOutOfRangeException.ThrowIfLessThan(n, 1, "--count");
            IEnumerable<int> ports = result.GetValue(consecutive)
                ? Enumerable.Range(PortAllocator.FindFreeRange(n), n)
                : Enumerable.Range(0, n).Select(_ => PortAllocator.FindFreeRange(1)).ToList();
            foreach (int port in ports) result.InvocationConfiguration.Output.WriteLine(port);
            return 0;
        });
        return command;
    }
}
