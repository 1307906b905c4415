namespace KvCluster.Tests.Client;

/// <summary>Waits for a condition with a deadline instead of sleeping a fixed time.</summary>
internal static class WaitFor
{
    public static async Task ConditionAsync(Func<bool> condition, TimeSpan deadline, string what)
    {
        var until = DateTime.UtcNow + deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"Not true within {deadline}: {what}");
            await Task.Delay(10);
        }
    }

    public static async Task ConditionAsync(Func<Task<bool>> condition, TimeSpan deadline, string what)
    {
        var until = DateTime.UtcNow + deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"Not true within {deadline}: {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>Retries <paramref name="attempt"/> until it succeeds; returns its result.</summary>
    public static async Task<T> SuccessAsync<T>(Func<Task<T>> attempt, TimeSpan deadline, string what)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Exception e) when (DateTime.UtcNow < until)
            {
                _ = e;
                await Task.Delay(20);
            }
            catch (Exception e)
            {
                throw new TimeoutException($"Did not succeed within {deadline}: {what}", e);
            }
        }
    }
}
