using KvCluster.Tests.Infrastructure;

namespace KvCluster.Tests.Jepsen;

/// <summary>kill -9 a node, then start it again (it recovers from its snapshot and the log).</summary>
public sealed class KillNodeNemesis(IReadOnlyList<ClusterService> nodes) : INemesis
{
    private ClusterService? _victim;

    public string Name => "kill-node";

    public Task<string> InjectAsync(Random random, CancellationToken cancellationToken)
    {
        _victim = nodes[random.Next(nodes.Count)];
        _victim.Kill();
        return Task.FromResult(_victim.Name);
    }

    public Task HealAsync(CancellationToken cancellationToken) => _victim?.StartAsync(cancellationToken) ?? Task.CompletedTask;
}

/// <summary>kill -9 the coordinator (the supervisor leaves a killed child down), then start it again.</summary>
public sealed class KillCoordinatorNemesis(ClusterService coordinator) : INemesis
{
    public string Name => "kill-coordinator";

    public Task<string> InjectAsync(Random random, CancellationToken cancellationToken)
    {
        coordinator.Kill();
        return Task.FromResult(coordinator.Name);
    }

    public Task HealAsync(CancellationToken cancellationToken) => coordinator.StartAsync(cancellationToken);
}

/// <summary>SIGSTOP a node (alive, answers nothing), then SIGCONT.</summary>
public sealed class PauseNodeNemesis(IReadOnlyList<ClusterService> nodes) : INemesis
{
    private ClusterService? _victim;

    public string Name => "pause-node";

    public Task<string> InjectAsync(Random random, CancellationToken cancellationToken)
    {
        _victim = nodes[random.Next(nodes.Count)];
        _victim.Pause();
        return Task.FromResult(_victim.Name);
    }

    public Task HealAsync(CancellationToken cancellationToken)
    {
        _victim?.Resume();
        return Task.CompletedTask;
    }
}

/// <summary>
/// kill -9 Redis, then start it on the same data. Needs appendfsync always (ClusterOptions.Fsync), under which
/// nothing acknowledged may be lost.
/// </summary>
public sealed class RestartRedisNemesis(ClusterRedisServer redis) : INemesis
{
    public string Name => "restart-redis";

    public Task<string> InjectAsync(Random random, CancellationToken cancellationToken)
    {
        redis.Kill();
        return Task.FromResult("redis");
    }

    public Task HealAsync(CancellationToken cancellationToken) => redis.RestartAsync(cancellationToken);
}

/// <summary>
/// Breaks one link through a <see cref="FaultProxy"/>: stalls it, slows it, half-opens or resets its connections, in
/// turn from <paramref name="firstFault"/> (so two short runs starting at different faults cover all four).
/// </summary>
public sealed class LinkFaultNemesis(string name, string link, FaultProxy proxy, int firstFault = 0) : INemesis
{
    private static readonly LinkFault[] Faults = [LinkFault.Stall, LinkFault.Delay, LinkFault.HalfOpen, LinkFault.Reset];
    private int _next = firstFault;

    public string Name => name;

    public Task<string> InjectAsync(Random random, CancellationToken cancellationToken)
    {
        var fault = Faults[_next++ % Faults.Length];
        proxy.Set(fault);
        return Task.FromResult($"{link} {fault.ToString().ToLowerInvariant()}");
    }

    public Task HealAsync(CancellationToken cancellationToken)
    {
        proxy.Set(LinkFault.None);
        return Task.CompletedTask;
    }
}
