using System.Runtime.InteropServices;

namespace KvCluster.Tests.Infrastructure;

/// <summary>POSIX signals to a process, as the fault tests inject them.</summary>
public static class Signals
{
    private const int SigInt = 2;
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;

    /// <summary>SIGKILL: a crash, no shutdown code runs.</summary>
    public static void Kill(int pid) => Send(pid, SigKill);

    public static void Terminate(int pid) => Send(pid, SigTerm);

    /// <summary>SIGSTOP: alive, answers nothing.</summary>
    public static void Pause(int pid) => Send(pid, SigStop);

    public static void Resume(int pid) => Send(pid, SigCont);

    /// <summary>SIGINT to every process of a process group, as a script's <c>kill -INT -- -PGID</c>.</summary>
    public static void InterruptGroup(int processGroup) => Send(-processGroup, SigInt);

    private static void Send(int pid, int signal) => _ = SendSignal(pid, signal); // a process already gone is no error here

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int SendSignal(int pid, int signal);
}
