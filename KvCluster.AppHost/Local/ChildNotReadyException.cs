namespace KvCluster.AppHost.Local;

/// <summary>A child did not answer /health in time or exited while starting; the message carries its last output.</summary>
public sealed class ChildNotReadyException : Exception
{
    public const int OutputLinesInMessage = 30;

    public ChildNotReadyException(string childName, string reason, IEnumerable<string> recentOutput)
        : base(Describe(childName, reason, recentOutput))
    {
        ChildName = childName;
    }

    /// <summary>Several children failed to start; the message holds each one's reason and output.</summary>
    public ChildNotReadyException(IReadOnlyCollection<ChildNotReadyException> failures)
        : base(string.Join(Environment.NewLine, failures.Select(failure => failure.Message)))
    {
        ChildName = string.Join(", ", failures.Select(failure => failure.ChildName));
    }

    /// <summary>The child (or comma-separated children) that did not become ready.</summary>
    public string ChildName { get; }

    internal static string Describe(string childName, string reason, IEnumerable<string> recentOutput)
    {
        var all = recentOutput.ToArray();
        var lines = all.TakeLast(OutputLinesInMessage).ToArray();
        int tail = lines.Length;
        // A crash's stack trace can push its first, most telling line out of the tail: keep it.
        var crash = all.LastOrDefault(line => line.StartsWith("Unhandled exception.", StringComparison.Ordinal));
        if (crash is not null && !lines.Contains(crash)) lines = [crash, "...", .. lines];
        var output = lines.Length == 0
            ? "  (no output)"
            : string.Join(Environment.NewLine, lines.Select(line => "  | " + line));
        return $"{childName} is not ready: {reason}. Its last {tail} lines of output:{Environment.NewLine}{output}";
    }
}
