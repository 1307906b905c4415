using System.CommandLine;
using KvCluster.Bench.Trivial;

namespace KvCluster.Bench.Cli;

/// <summary><c>trivial-server --port P [--body-size N]</c> (hidden): the trivial endpoint in its own process, until SIGTERM or Ctrl+C.</summary>
internal static class TrivialServerCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Loopback port to listen on", Required = true };
        var bodySize = new Option<int>("--body-size")
        {
            Description = "Bytes in every answer: the value size of the reads it stands beside",
            DefaultValueFactory = _ => TrivialServer.DefaultBodySize,
        };
        bodySize.Validators.Add(result =>
        {
            int size = result.GetValueOrDefault<int>();
            if (size < 0 || size > TrivialServer.MaxBodySize) result.AddError($"--body-size must be between 0 and {TrivialServer.MaxBodySize}.");
        });
        var command = new Command("trivial-server", "Serve GET / with a constant body on 127.0.0.1") { port, bodySize };
        command.Hidden = true;
        command.SetAction(async (result, cancellationToken) =>
        {
            await TrivialServer.RunAsync(result.GetValue(port), result.GetValue(bodySize), cancellationToken);
            return 0;
        });
        return command;
    }
}
