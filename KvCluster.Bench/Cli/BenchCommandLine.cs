using System.CommandLine;

namespace KvCluster.Bench.Cli;

public static class BenchCommandLine
{
    public static RootCommand Create() => new("KvCluster's load generator: throughput and latency of KvCluster, etcd, Redis and a trivial endpoint.")
    {
        RunCommand.Create(),
        MemoryCommand.Create(),
        CompareCommand.Create(),
        CompareRevisionsCommand.Create(),
        TrivialServerCommand.Create(),
        FreePortsCommand.Create(),
    };

    public static Task<int> InvokeAsync(string[] args, TextWriter? output = null)
    {
        var configuration = new InvocationConfiguration();
        if (output is not null) configuration.Output = output;
        return Create().Parse(args).InvokeAsync(configuration);
    }
}
