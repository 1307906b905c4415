using System.Reflection;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace KvCluster.Hosting;

/// <summary>
/// The coordinator and node as builds, run with <c>dotnet</c> as executables locally and, when publishing, built into
/// container images from the Dockerfile beside each build. Where the builds are comes with the AppHost's assembly as
/// metadata (<c>kvclusterservice:KvCluster.Node</c>, <c>kvclusterservice:KvCluster.Coordinator</c>), as Aspire's own
/// packages say where DCP and the dashboard are: the KvCluster.Hosting package's build file
/// (KvCluster.Hosting/build/KvCluster.Hosting.targets) names those it carries, and KvCluster's own AppHost its projects'
/// build outputs (KvCluster.AppHost/KvCluster.AppHost.csproj).
/// </summary>
internal static class ServiceBuilds
{
    /// <summary>The prefix of the AppHost assembly's metadata keys, followed by the service's assembly name.</summary>
    public const string MetadataKeyPrefix = "kvclusterservice:";
    /// <summary>The port a service listens on in its container (the ASP.NET images' default).</summary>
    public const int ContainerPort = 8080;

    /// <summary>
    /// The coordinator's and the node's assemblies: in the settings' <see cref="ClusterSettings.ServicesDirectory"/>
    /// (<c>coordinator/</c>, <c>node/</c>) when it is set, else where the AppHost's assembly says.
    /// </summary>
    public static (string Coordinator, string Node) Locate(IDistributedApplicationBuilder builder, ClusterSettings settings)
    {
        return (Find(ClusterService.Coordinator), Find(ClusterService.Node));

        string Find(ClusterService service)
        {
            string? assembly = settings.ServicesDirectory is { } own
                ? Path.Combine(Path.GetFullPath(own), Folder(service), AssemblyName(service) + ".dll")
                : builder.AppHostAssembly?.GetCustomAttributes<AssemblyMetadataAttribute>()
                    .FirstOrDefault(a => a.Key == MetadataKeyPrefix + AssemblyName(service))?.Value;
            if (assembly is null)
            {
                throw new InvalidOperationException(
                    "The KvCluster services were not found: AddKvCluster(name) runs the builds the KvCluster.Hosting package carries, and " +
                    "this AppHost was not built with that package (a project reference does not carry them). Reference the package, give " +
                    "the directory that holds coordinator/ and node/ (ClusterSettings.ServicesDirectory), or pass your own projects: " +
                    "AddKvCluster<Projects.KvCluster_Node, Projects.KvCluster_Coordinator>(name).");
            }
            if (!File.Exists(assembly)) throw new InvalidOperationException($"The KvCluster {Folder(service)} is missing: {assembly} does not exist.");
            return assembly;
        }
    }

    /// <summary>
    /// Adds one service, <c>dotnet {assembly}</c> in the assembly's folder, exporting telemetry as a project does; when
    /// publishing, a container built from the Dockerfile in that folder.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> Add(IDistributedApplicationBuilder builder, string name, string assembly)
    {
        var resource = builder.AddExecutable(name, "dotnet", Path.GetDirectoryName(assembly)!, Path.GetFileName(assembly))
            .WithOtlpExporter();
        if (builder.ExecutionContext.IsPublishMode) resource.PublishAsDockerFile();
        return resource;
    }

    private static string AssemblyName(ClusterService service) => service == ClusterService.Coordinator ? "KvCluster.Coordinator" : "KvCluster.Node";

    private static string Folder(ClusterService service) => service == ClusterService.Coordinator ? "coordinator" : "node";
}
