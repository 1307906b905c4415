using System.Text.RegularExpressions;
using KvCluster.AppHost.Local;

namespace KvCluster.Tests.Observability;

/// <summary>
/// Aspire mode (KvCluster.AppHost/Aspire, built only with -p:Aspire=true) cannot be compiled here: the Aspire packages
/// are not in this feed. These checks keep it honest: the default build contains none of it, and the Aspire code
/// calls only APIs whose signatures were read in dotnet/aspire's source, wired the way the services expect.
/// </summary>
public sealed partial class AspireAppHostSourceTests
{
    /// <summary>Every method the Aspire code may call, and where its signature was read (dotnet/aspire, Aspire 13).</summary>
    private static readonly Dictionary<string, string> VerifiedApis = new()
    {
        ["CreateBuilder"] = "DistributedApplication.CreateBuilder(string[]) — templates/aspire-starter/13.0 AppHost.cs",
        ["Build"] = "IDistributedApplicationBuilder.Build() — templates/aspire-starter/13.0 AppHost.cs",
        ["Run"] = "DistributedApplication.Run() — templates/aspire-starter/13.0 AppHost.cs",
        ["AddRedis"] = "AddRedis(builder, name, int? port = null, password = null) — src/Aspire.Hosting.Redis/RedisBuilderExtensions.cs",
        ["WithDataVolume"] = "WithDataVolume(IResourceBuilder<RedisResource>, string? name, bool isReadOnly) enables persistence — same file",
        ["AddProject"] = "AddProject(builder, [ResourceName] string name, string projectPath) — src/Aspire.Hosting/ProjectResourceBuilderExtensions.cs",
        ["WithHttpEndpoint"] = "WithHttpEndpoint<T>(port?, targetPort?, name?, env?, isProxied) — src/Aspire.Hosting/ResourceBuilderExtensions.cs",
        ["WithHttpHealthCheck"] = "WithHttpHealthCheck<T>(string? path, int? statusCode, string? endpointName) — ResourceBuilderExtensions.cs",
        ["WithReference"] = "WithReference<T>(IResourceBuilder<IResourceWithConnectionString> | <IResourceWithServiceDiscovery>) — ResourceBuilderExtensions.cs",
        ["WaitFor"] = "WaitFor<T>(IResourceBuilder<IResource> dependency) where T : IResourceWithWaitSupport — ResourceBuilderExtensions.cs",
        ["WithEnvironment"] = "WithEnvironment<T>(string name, string? value) — ResourceBuilderExtensions.cs",
        // Base class library.
        ["TryParse"] = "int.TryParse",
        ["Combine"] = "Path.Combine",
    };

    private static readonly string AspireDirectory = Path.Combine(ClusterBinaries.FindSolutionDirectory(), "KvCluster.AppHost", "Aspire");

    [Fact]
    public void The_default_build_compiles_no_Aspire_code_and_restores_no_Aspire_package()
    {
        var appHost = typeof(LocalCluster).Assembly;
        Assert.Null(appHost.GetType("KvCluster.AppHost.Aspire.AspireAppHost"));
        Assert.DoesNotContain(appHost.GetReferencedAssemblies(), name => name.Name!.StartsWith("Aspire.", StringComparison.Ordinal));

        var assets = Path.Combine(ClusterBinaries.FindSolutionDirectory(), "KvCluster.AppHost", "obj", "project.assets.json");
        Assert.True(File.Exists(assets), $"{assets} is written by every restore");
        Assert.DoesNotContain("\"Aspire.", File.ReadAllText(assets), StringComparison.Ordinal);
    }

    [Fact]
    public void Aspire_mode_calls_only_APIs_read_in_dotnet_aspire_source()
    {
        var source = AspireSource();
        var called = CalledMethod().Matches(source).Select(m => m.Groups[1].Value).Where(name => name != "Main").ToHashSet();

        Assert.Contains("AddRedis", called);
        Assert.Contains("AddProject", called);
        var unverified = called.Where(name => !VerifiedApis.ContainsKey(name)).ToList();
        Assert.True(unverified.Count == 0, "Not checked against dotnet/aspire's source: " + string.Join(", ", unverified));
    }

    [Fact]
    public void Aspire_mode_hands_out_the_settings_local_mode_does_under_names_valid_in_environment_variables()
    {
        var source = AspireSource();
        var resources = ResourceName().Matches(source).Select(m => m.Groups[1].Value).ToList();

        // WithReference turns these names into ConnectionStrings__redis and services__coordinator__http__0,
        // the keys the services read (DESIGN.md §5).
        Assert.Contains("redis", resources);
        Assert.Contains("coordinator", resources);
        Assert.All(resources, name => Assert.Matches("^[A-Za-z_][A-Za-z0-9_]*$", name));
        Assert.Contains("WithReference(redis)", source, StringComparison.Ordinal);
        Assert.Contains("WithReference(coordinator)", source, StringComparison.Ordinal);
        Assert.Contains("\"Kv__NodeId\"", source, StringComparison.Ordinal);
        Assert.Contains("\"Kv__DataDir\"", source, StringComparison.Ordinal);
        Assert.Contains("WaitFor(redis)", source, StringComparison.Ordinal);
    }

    private static string AspireSource() =>
        string.Join('\n', Directory.GetFiles(AspireDirectory, "*.cs", SearchOption.AllDirectories).Order().Select(File.ReadAllText)
            .Select(text => LineComment().Replace(text, "")));

    [GeneratedRegex(@"\b([A-Z][A-Za-z0-9]*)\s*\(")]
    private static partial Regex CalledMethod();

    [GeneratedRegex("""Add(?:Project|Redis)\("([^"]+)"?""")]
    private static partial Regex ResourceName();

    [GeneratedRegex(@"//.*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();
}
