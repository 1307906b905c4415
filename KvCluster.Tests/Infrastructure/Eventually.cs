using System.Diagnostics;

namespace KvCluster.Tests.Infrastructure;

/// <summary>Waits for a condition with a deadline, instead of sleeping and hoping it holds by then.</summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, Func<string> describeFailure)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) Assert.Fail($"Not true within {timeout.TotalSeconds:0.#} s: {describeFailure()}");
            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describeFailure)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (clock.Elapsed > timeout) Assert.Fail($"Not true within {timeout.TotalSeconds:0.#} s: {describeFailure()}");
            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }
}
