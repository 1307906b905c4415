using System.Diagnostics;

namespace KvCluster.Tests.Linearizability;

/// <summary>
/// Makes a non-linearizable history small enough to read, using only cuts that cannot turn a linearizable history
/// into a non-linearizable one (so the small history is still a proof):
/// <list type="bullet">
/// <item>Truncation at time T: drop operations called after T, and treat those still running at T as unknown.
/// Any linearization of the whole history, restricted, linearizes the truncation.</item>
/// <item>Dropping a read-only operation: it changes no state, so the rest linearizes the same way.</item>
/// </list>
/// </summary>
internal static class ViolationShrinker<TState, TInput, TOutput>
{
    public static IReadOnlyList<Operation<TInput, TOutput>> Shrink(Model<TState, TInput, TOutput> model,
        IReadOnlyList<Operation<TInput, TOutput>> history, TimeSpan budget)
    {
        var clock = Stopwatch.StartNew();
        var stepBudget = TimeSpan.FromTicks(Math.Max(budget.Ticks / 20, TimeSpan.FromMilliseconds(50).Ticks));
        bool Fails(IReadOnlyList<Operation<TInput, TOutput>> candidate) =>
            LinearizabilityChecker.IsLinearizable(model, candidate, stepBudget) == false;

        // The earliest cut that still fails (failing is monotone in T).
        var cuts = history.Where(op => !op.IsUnknown).Select(op => op.Return).Distinct().Order().ToArray();
        var current = history;
        int low = 0, high = cuts.Length - 1;
        while (low <= high && clock.Elapsed < budget)
        {
            int middle = (low + high) / 2;
            var truncated = Truncate(history, cuts[middle]);
            if (Fails(truncated))
            {
                current = truncated;
                high = middle - 1;
            }
            else
            {
                low = middle + 1;
            }
        }

        // Then drop reads one at a time, latest first, while it still fails.
        var operations = current.ToList();
        for (int i = operations.Count - 1; i >= 0 && clock.Elapsed < budget; i--)
        {
            if (!model.IsReadOnly(operations[i].Input)) continue;
            var without = operations.Where((_, index) => index != i).ToList();
            if (Fails(without)) operations = without;
        }
        return operations;
    }

    private static List<Operation<TInput, TOutput>> Truncate(IReadOnlyList<Operation<TInput, TOutput>> history, long cut) =>
        history.Where(op => op.Call <= cut)
            .Select(op => op.Return <= cut ? op : op with { Output = default, Return = Operation<TInput, TOutput>.Never })
            .ToList();
}
