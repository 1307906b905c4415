using System.CommandLine;
using KvCluster.Bench.Trivial;

namespace KvCluster.Bench.Cli;

/// <summary><c>trivial-server --port P</c> (hidden): the trivial endpoint in its own process, until SIGTERM or Ctrl+C.</summary>
internal static class TrivialServerCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Loopback port to listen on", Required = true };
        var command = new Command("trivial-server", "Serve GET / with a constant 100-byte body on 127.0.0.1") { port };
        command.Hidden = true;
        command.SetAction(async (result, cancellationToken) =>
        {
            await TrivialServer.RunAsync(result.GetValue(port), cancellationToken);
            return 0;
        });
        return command;
    }
}
