namespace KvCluster.AppHost.Local;

/// <summary>An executable, its leading arguments and the directory to run it in (its content root).</summary>
public sealed record ChildCommand(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory);
