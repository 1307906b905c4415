namespace KvCluster.Tests.Linearizability;

/// <summary>
/// Finds the shared test data: the repository's parent holds shared/ beside the clone (CI clones main with
/// shared/ beside it), so walk up from the test assembly to the directory with KvCluster.sln, then ../shared/testdata.
/// </summary>
public static class TestData
{
    public static string Directory(string name)
    {
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (repository is not null && !File.Exists(Path.Combine(repository.FullName, "KvCluster.sln"))) repository = repository.Parent;
        if (repository is null)
        {
            throw new DirectoryNotFoundException($"No KvCluster.sln above {AppContext.BaseDirectory}; cannot locate shared/testdata.");
        }
        // A git worktree may sit deeper than the main clone; look beside each ancestor.
        for (var parent = repository.Parent; parent is not null; parent = parent.Parent)
        {
            string candidate = Path.Combine(parent.FullName, "shared", "testdata", name);
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException(
            $"The test data directory shared/testdata/{name} was not found beside the repository ({repository.FullName}/../shared/testdata). " +
            "Clone or copy the shared test data next to the repository.");
    }
}
