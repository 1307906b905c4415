using System.Reflection;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace KvCluster.Hosting;

/// <summary>
/// The coordinator and node builds the KvCluster.Hosting package carries (<c>services/coordinator</c>, <c>services/node</c>,
/// each with its Dockerfile), for an AppHost that has no KvCluster projects of its own: run with <c>dotnet</c> as
/// executables locally, built into container images from those Dockerfiles when publishing. The package's build file
/// (KvCluster.Hosting/build/KvCluster.Hosting.targets) writes where they are into the AppHost's assembly, as Aspire's own
/// packages say where DCP and the dashboard are.
/// </summary>
internal static class PackagedServices
{
    /// <summary>The AppHost assembly's metadata key that holds the services' directory.</summary>
    public const string MetadataKey = "kvclusterservicespath";
    /// <summary>The port a packaged service listens on in its container (the ASP.NET images' default).</summary>
    public const int ContainerPort = 8080;

    /// <summary>The directory that holds <c>coordinator/</c> and <c>node/</c>: the settings' own, else the package's.</summary>
    public static string Locate(IDistributedApplicationBuilder builder, ClusterSettings settings)
    {
        string? directory = settings.ServicesDirectory is { } own
            ? Path.GetFullPath(own)
            : builder.AppHostAssembly?.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == MetadataKey)?.Value;
        if (directory is null)
        {
            throw new InvalidOperationException(
                "The KvCluster services were not found: AddKvCluster(name) runs the builds the KvCluster.Hosting package carries, and " +
                "this AppHost was not built with that package (a project reference does not carry them). Reference the package, give " +
                "the directory that holds coordinator/ and node/ (ClusterSettings.ServicesDirectory), or pass your own projects: " +
                "AddKvCluster<Projects.KvCluster_Node, Projects.KvCluster_Coordinator>(name).");
        }
        foreach (var service in new[] { ClusterService.Coordinator, ClusterService.Node })
        {
            string assembly = AssemblyPath(directory, service);
            if (!File.Exists(assembly)) throw new InvalidOperationException($"The KvCluster {Folder(service)} is missing: {assembly} does not exist.");
        }
        return directory;
    }

    /// <summary>
    /// Adds one service from <paramref name="directory"/>: <c>dotnet KvCluster.Node.dll</c> in its folder, exporting
    /// telemetry as a project does; when publishing, a container built from the folder's Dockerfile.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> Add(IDistributedApplicationBuilder builder, string name, string directory, ClusterService service)
    {
        string assembly = AssemblyPath(directory, service);
        var resource = builder.AddExecutable(name, "dotnet", Path.GetDirectoryName(assembly)!, Path.GetFileName(assembly))
            .WithOtlpExporter();
        if (builder.ExecutionContext.IsPublishMode) resource.PublishAsDockerFile();
        return resource;
    }

    private static string AssemblyPath(string directory, ClusterService service) => service switch
    {
        ClusterService.Coordinator => Path.Combine(directory, Folder(service), "KvCluster.Coordinator.dll"),
        _ => Path.Combine(directory, Folder(service), "KvCluster.Node.dll"),
    };

    private static string Folder(ClusterService service) => service == ClusterService.Coordinator ? "coordinator" : "node";
}
