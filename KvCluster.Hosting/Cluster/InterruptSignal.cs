using System.Runtime.InteropServices;

namespace KvCluster.Hosting;

/// <summary>
/// A shell starts a background job with SIGINT ignored, and .NET leaves an ignored SIGINT ignored: a script's
/// <c>kill -INT -- -PGID</c> would then stop nothing. Restoring the default before the host installs its handlers lets
/// SIGINT stop the AppHost, and with it everything DCP started, as Ctrl+C does. AddKvCluster does it in run mode, before
/// the host starts (which is when it installs its handlers), so every AppHost with a cluster stops that way.
/// </summary>
internal static class InterruptSignal
{
    private const int SigInt = 2;
    private static readonly IntPtr DefaultDisposition = IntPtr.Zero;

    public static void RestoreDefault()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) Signal(SigInt, DefaultDisposition);
    }

    [DllImport("libc", EntryPoint = "signal")]
    private static extern IntPtr Signal(int signal, IntPtr handler);
}
