using KvCluster.ServiceDefaults.Diagnostics;

namespace KvCluster.Bench.Running;

/// <summary>
/// One process's CPU time (and, for a .NET process, its GC totals) read at <see cref="Timestamp"/> (Stopwatch ticks).
/// Redis has no GC: its <see cref="Runtime"/> is null.
/// </summary>
public sealed record ProcessReading(string Process, long Timestamp, double CpuMilliseconds, ProcessRuntime? Runtime);
