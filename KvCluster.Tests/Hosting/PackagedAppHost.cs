using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using KvCluster.Tests.Infrastructure;

namespace KvCluster.Tests.Hosting;

/// <summary>
/// An AppHost outside this repository, as another Aspire app has one: its project references the KvCluster.Hosting
/// package, packed from this build into a feed of its own, and no KvCluster project. Packed and built once for the class,
/// under a version of its own so that the machine's package cache cannot hand it an older copy; that copy is removed at
/// the end.
/// </summary>
public sealed partial class PackagedAppHost : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(4);

    // What a user writes: the cluster's settings from the AppHost's configuration (--Kv:PortBase 5300, Kv__Nodes=5…).
    private const string Program = """
        using KvCluster.Hosting;

        var builder = DistributedApplication.CreateBuilder(args);
        builder.AddKvCluster("kv", ClusterSettings.From(builder.Configuration));
        builder.Build().Run();
        """;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "kvcluster-packaged-" + Guid.NewGuid().ToString("N")[..12]);

    public string PackageVersion { get; } = "1.0.0-test." + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Where restore put the package: the folder whose services/ the AppHost runs.</summary>
    public string PackageFolder => Path.Combine(GlobalPackagesFolder, "kvcluster.hosting", PackageVersion);

    public string AssemblyPath => Path.Combine(Directory, "Shop.AppHost", "bin", "Debug", RepositoryBuild.TargetFramework, "Shop.AppHost.dll");

    private static string GlobalPackagesFolder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public async Task InitializeAsync()
    {
        string feed = Path.Combine(Directory, "feed");
        string project = Path.Combine(Directory, "Shop.AppHost");
        System.IO.Directory.CreateDirectory(project);
        // The build the tests run against, packed as it is (--no-build): what `dotnet pack KvCluster.Hosting` ships.
        await DotnetAsync(RepositoryBuild.Root, "pack", "KvCluster.Hosting", "--no-build", "-c", RepositoryBuild.Configuration,
            $"-p:Version={PackageVersion}", "-o", feed);

        await File.WriteAllTextAsync(Path.Combine(Directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="kvcluster" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(project, "Shop.AppHost.csproj"), $"""
            <Project Sdk="{AppHostSdk()}">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>{RepositoryBuild.TargetFramework}</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <AspireUseCliBundle>false</AspireUseCliBundle>
                <NoWarn>$(NoWarn);ASPIRE010</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Aspire.Hosting.AppHost" Version="{PinnedVersion("Aspire.Hosting.AppHost")}" />
                <PackageReference Include="KvCluster.Hosting" Version="{PackageVersion}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), Program);
        await DotnetAsync(project, "build", "-c", "Debug");
    }

    public Task DisposeAsync()
    {
        foreach (string folder in new[] { Directory, PackageFolder })
        {
            if (System.IO.Directory.Exists(folder)) System.IO.Directory.Delete(folder, recursive: true);
        }
        // The package's own folder in the cache, when this run's version was the only one there.
        string packageIdFolder = Path.GetDirectoryName(PackageFolder)!;
        try
        {
            if (System.IO.Directory.Exists(packageIdFolder) && !System.IO.Directory.EnumerateFileSystemEntries(packageIdFolder).Any())
                System.IO.Directory.Delete(packageIdFolder);
        }
        catch (IOException)
        {
            // A run beside this one restored its own version into it meanwhile: the folder is in use again.
        }
        return Task.CompletedTask;
    }

    // The AppHost SDK this repository's AppHost uses (Aspire.AppHost.Sdk/13.6.4).
    private static string AppHostSdk() =>
        XDocument.Load(Path.Combine(RepositoryBuild.Root, "KvCluster.AppHost", "KvCluster.AppHost.csproj")).Root!.Attribute("Sdk")!.Value;

    private static string PinnedVersion(string package) =>
        XDocument.Load(Path.Combine(RepositoryBuild.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(p => p.Attribute("Include")?.Value == package).Attribute("Version")!.Value;

    private static async Task DotnetAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        // The test host's MSBuild settings are not the user's: a command of its own finds its SDK as a user's would.
        foreach (string name in start.Environment.Keys.Where(name => MSBuildVariable().IsMatch(name)).ToArray()) start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} took over {CommandTimeout}:{Environment.NewLine}{await output}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} exited {process.ExitCode}:{Environment.NewLine}{await output}{await error}");
    }

    [GeneratedRegex("^(MSBuild|MSBUILD)")]
    private static partial Regex MSBuildVariable();
}
