using System.Diagnostics;

namespace KvCluster.Tests.Linearizability;

/// <summary>
/// Wing &amp; Gong's search with Lowe's memoisation, as Porcupine's checkSingle does it: walk the history's call and
/// return events in time order; at a call, try to linearize that operation now (step the model, lift it out of the
/// list); at a return whose operation is not linearized yet, backtrack. A (linearized set, state set) pair already
/// explored is never explored again. States are tracked as sets, which makes a nondeterministic model deterministic.
/// </summary>
internal sealed class LinearizationSearch<TState, TInput, TOutput>
{
    private readonly Model<TState, TInput, TOutput> _model;
    private readonly IReadOnlyList<Operation<TInput, TOutput>> _operations;

    // A doubly linked list over the events; index 0 is the head sentinel, events are 1..2n, -1 ends the list.
    private readonly int[] _next;
    private readonly int[] _prev;
    private readonly int[] _operationOf;
    private readonly int[] _match; // call event -> its return event; 0 for return events

    public LinearizationSearch(Model<TState, TInput, TOutput> model, IReadOnlyList<Operation<TInput, TOutput>> operations)
    {
        _model = model;
        _operations = operations;
        int n = operations.Count;
        var events = new List<(long Time, bool IsCall, int Operation)>(2 * n);
        for (int i = 0; i < n; i++)
        {
            events.Add((operations[i].Call, true, i));
            events.Add((operations[i].Return, false, i));
        }
        // At equal times calls come first: touching operations count as concurrent (the permissive reading).
        events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : b.IsCall.CompareTo(a.IsCall));

        _next = new int[2 * n + 1];
        _prev = new int[2 * n + 1];
        _operationOf = new int[2 * n + 1];
        _match = new int[2 * n + 1];
        var callEventOf = new int[n];
        for (int e = 1; e <= 2 * n; e++)
        {
            var (_, isCall, operation) = events[e - 1];
            _operationOf[e] = operation;
            _prev[e] = e - 1;
            _next[e - 1] = e;
            if (isCall) callEventOf[operation] = e;
            else _match[callEventOf[operation]] = e;
        }
        _next[2 * n] = -1;
        if (n == 0) _next[0] = -1;
    }

    /// <summary>The longest prefix of a linearization the search found, and the states after it.</summary>
    public IReadOnlyList<int> LongestLinearization { get; private set; } = [];

    public TState[] StatesAfterLongest { get; private set; } = [];

    /// <summary>True or false when decided; null when <paramref name="budget"/> ran out first.</summary>
    public bool? Run(TimeSpan budget)
    {
        var clock = Stopwatch.StartNew();
        var cache = new Dictionary<Bitset, List<TState[]>>();
        var linearized = new Bitset(_operations.Count);
        var stack = new Stack<(int CallEvent, TState[] States)>();
        TState[] states = [_model.Init()];
        StatesAfterLongest = states;
        long iterations = 0;
        int e = _next[0];
        while (_next[0] != -1)
        {
            if ((++iterations & 0x3FF) == 0 && clock.Elapsed > budget) return null;
            if (_match[e] != 0)
            {
                int operation = _operationOf[e];
                var next = Advance(states, _operations[operation]);
                if (next.Length > 0)
                {
                    linearized.Set(operation);
                    if (TryRemember(cache, linearized, next))
                    {
                        stack.Push((e, states));
                        states = next;
                        Lift(e);
                        if (stack.Count > LongestLinearization.Count)
                        {
                            LongestLinearization = [.. stack.Select(entry => _operationOf[entry.CallEvent]).Reverse()];
                            StatesAfterLongest = states;
                        }
                        e = _next[0];
                        continue;
                    }
                    linearized.Clear(operation);
                }
                e = _next[e];
            }
            else
            {
                // A return whose operation could not be placed before it: undo the last choice.
                if (stack.Count == 0) return false;
                var (callEvent, previous) = stack.Pop();
                linearized.Clear(_operationOf[callEvent]);
                states = previous;
                Unlift(callEvent);
                e = _next[callEvent];
            }
        }
        return true;
    }

    private TState[] Advance(TState[] states, Operation<TInput, TOutput> operation)
    {
        var result = new List<TState>(states.Length);
        foreach (var state in states)
        {
            var successors = operation.IsUnknown ? _model.StepUnknown(state, operation.Input) : _model.Step(state, operation.Input, operation.Output!);
            foreach (var successor in successors)
            {
                if (!result.Any(existing => _model.Equal(existing, successor))) result.Add(successor);
            }
        }
        return [.. result];
    }

    private bool TryRemember(Dictionary<Bitset, List<TState[]>> cache, Bitset linearized, TState[] states)
    {
        if (!cache.TryGetValue(linearized, out var seen))
        {
            cache[linearized.Clone()] = [states];
            return true;
        }
        if (seen.Any(other => SameSet(other, states))) return false;
        seen.Add(states);
        return true;
    }

    private bool SameSet(TState[] left, TState[] right) =>
        left.Length == right.Length && left.All(l => right.Any(r => _model.Equal(l, r)));

    private void Lift(int callEvent)
    {
        Unlink(callEvent);
        Unlink(_match[callEvent]);
    }

    private void Unlift(int callEvent)
    {
        Relink(_match[callEvent]);
        Relink(callEvent);
    }

    private void Unlink(int e)
    {
        _next[_prev[e]] = _next[e];
        if (_next[e] != -1) _prev[_next[e]] = _prev[e];
    }

    private void Relink(int e)
    {
        _next[_prev[e]] = e;
        if (_next[e] != -1) _prev[_next[e]] = e;
    }
}
