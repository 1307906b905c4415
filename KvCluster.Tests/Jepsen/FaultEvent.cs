namespace KvCluster.Tests.Jepsen;

/// <summary>A fault a nemesis injected at <see cref="Start"/> and healed at <see cref="End"/> (microseconds since the run started).</summary>
public sealed record FaultEvent(string Nemesis, string Target, long Start, long End);
