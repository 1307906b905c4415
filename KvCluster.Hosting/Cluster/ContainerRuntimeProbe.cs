using System.Diagnostics;
using System.ComponentModel;

namespace KvCluster.Hosting;

/// <summary>
/// Whether a container runtime answers, as DCP would need it to: a docker (or podman, per ASPIRE_CONTAINER_RUNTIME)
/// client with no daemon behind it makes a container resource fail the whole app at start.
/// </summary>
internal static class ContainerRuntimeProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static bool IsHealthy()
    {
        string runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") ?? "docker";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null) return false;
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false; // no such client on PATH
        }
    }
}
