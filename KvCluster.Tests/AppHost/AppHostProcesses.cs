namespace KvCluster.Tests.AppHost;

/// <summary>The tests that start whole clusters run one at a time: on a small machine, parallel clusters only race each other's startup.</summary>
public static class AppHostProcesses
{
    public const string Collection = "AppHost processes";
}
