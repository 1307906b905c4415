using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace KvCluster.Tests.Infrastructure;

/// <summary>
/// The process a resource runs, found through DCP's <c>executable.pid</c>. A project resource runs under
/// <c>dotnet run</c>, so its service is that process's child; an executable (redis-server, a service run from its
/// build) is the process itself.
/// </summary>
public static class ResourceProcess
{
    public static int? Find(DistributedApplication app, string resourceName)
    {
        bool isProject = app.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Any(r => r.Name == resourceName && r is ProjectResource);
        if (!app.ResourceNotifications.TryGetCurrentState(resourceName, out var current)) return null;
        if (current.Snapshot.State?.Text != KnownResourceStates.Running) return null;
        var property = current.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid");
        if (property?.Value is null || !int.TryParse(property.Value.ToString(), out int pid) || !ProcessLiveness.IsAlive(pid)) return null;
        return isProject ? ChildOf(pid) : pid;
    }

    private static int? ChildOf(int pid)
    {
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                var children = File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                foreach (var child in children)
                {
                    if (int.TryParse(child, out int childPid) && ProcessLiveness.IsAlive(childPid)) return childPid;
                }
            }
        }
        catch (IOException)
        {
            // The process exited while we looked.
        }
        return null;
    }
}
