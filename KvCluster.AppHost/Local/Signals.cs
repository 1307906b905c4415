using System.Runtime.InteropServices;

namespace KvCluster.AppHost.Local;

/// <summary>POSIX signals .NET's Process API does not offer (it only kills).</summary>
public static class Signals
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int SigStop = 19;
    private const int SigCont = 18;

    public static void Terminate(int pid) => Send(pid, SigTerm);
    public static void Kill(int pid) => Send(pid, SigKill);
    public static void Pause(int pid) => Send(pid, SigStop);
    public static void Resume(int pid) => Send(pid, SigCont);

    private static void Send(int pid, int signal)
    {
        if (!OperatingSystem.IsWindows()) _ = kill(pid, signal);
    }

    // DllImport rather than LibraryImport: blittable ints need no marshalling code, and no unsafe.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
