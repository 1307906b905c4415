using FsCheck;
using FsCheck.Fluent;
using KvCluster.Node.StateMachine;
using KvCluster.Log.Entries;

namespace KvCluster.Tests.StateMachine;

/// <summary>
/// Random logs over a few keys (puts, deletes, preconditions, reused idempotency keys, time that jumps
/// past the window and sometimes steps back) checked against a second replica and a reference model.
/// </summary>
public sealed class StateMachineProperties
{
    private const long WindowMs = 2_000;
    private static readonly string[] KeySpace = ["a", "ab", "b", "c"];
    private static readonly string[] IdempotencyKeys = ["", "", "", "r1", "r2", "r3"];
    private static readonly string[] ContentTypes = ["", "text/plain", "application/json"];
    private static readonly long[] TimeSteps = [0, 1, 700, WindowMs - 1, WindowMs, 5_000, -3_000];
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(300);

    private sealed record Step(
        bool IsPut, string Key, byte[] Value, string ContentType, int PreconditionKind, int VersionsBack, string IdempotencyKey, long TimeStep);

    private static readonly Gen<Step> Steps =
        from isPut in Gen.Frequency((3, Gen.Constant(true)), (2, Gen.Constant(false)))
        from key in Gen.Elements(KeySpace)
        from length in Gen.Choose(0, 4)
        from value in Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(length)
        from contentType in Gen.Elements(ContentTypes)
        from preconditionKind in Gen.Choose(0, 2)
        from versionsBack in Gen.Choose(0, 4)
        from idempotencyKey in Gen.Elements(IdempotencyKeys)
        from timeStep in Gen.Elements(TimeSteps)
        select new Step(isPut, key, value, contentType, preconditionKind, versionsBack, idempotencyKey, timeStep);

    private static readonly Arbitrary<LogEntry[]> Logs = Gen.ListOf(Steps).Select(ToLog).ToArbitrary();

    [Fact]
    public void Two_replicas_applying_the_same_log_return_the_same_results_and_digests()
    {
        Check.One(Config, Prop.ForAll(Logs, log =>
        {
            var first = new KvStateMachine(TimeSpan.FromMilliseconds(WindowMs));
            var second = new KvStateMachine(TimeSpan.FromMilliseconds(WindowMs));
            foreach (var entry in log)
            {
                Assert.Equal(first.Apply(entry), second.Apply(entry));
                Assert.Equal(first.ComputeDigest(), second.ComputeDigest());
            }
        }));
    }

    [Fact]
    public void The_state_machine_agrees_with_the_reference_model()
    {
        Check.One(Config, Prop.ForAll(Logs, log =>
        {
            var machine = new KvStateMachine(TimeSpan.FromMilliseconds(WindowMs));
            var model = new ReferenceModel(WindowMs);
            foreach (var entry in log)
            {
                Assert.Equal(model.Apply(entry).Result, machine.Apply(entry));
                Assert.Equal(model.Keys.Count, machine.Count);
                Assert.Equal(model.Keys.Values.Sum(value => (long)value.Value.Length), machine.ValueBytes);
            }

            Assert.Equal(model.AppliedSeq, machine.AppliedSeq);
            foreach (string key in KeySpace)
            {
                Assert.Equal(model.Keys.TryGetValue(key, out var expected), machine.TryGet(key, out var actual));
                if (expected is null)
                    continue;
                Assert.Equal(expected.Value, actual!.Value.ToArray());
                Assert.Equal(expected.ContentType, actual.ContentType);
                Assert.Equal(expected.Version, actual.Version);
                Assert.Equal(expected.CreatedSeq, actual.CreatedSeq);
            }
            foreach (string idempotencyKey in IdempotencyKeys.Where(key => key != ""))
            {
                bool live = model.TryGetLive(idempotencyKey, out var expected);
                Assert.Equal(live, machine.TryGetIdempotentReplay(idempotencyKey, out var actual));
                if (live)
                    Assert.Equal(new IdempotentReplay(expected.Seq, expected.Result), actual);
            }
            Assert.Equal(model.Keys.Keys.Where(key => key.StartsWith('a')).Order(StringComparer.Ordinal), ListAllByPages(machine, "a"));
        }));
    }

    [Fact]
    public void An_idempotent_replay_changes_no_more_than_an_entry_that_does_nothing()
    {
        // Beside the replica under test runs a twin that gets, in place of every replay, an entry with the
        // same seq and time that changes nothing. If a replay changed any key or record, the digests part.
        Check.One(Config, Prop.ForAll(Logs, log =>
        {
            var machine = new KvStateMachine(TimeSpan.FromMilliseconds(WindowMs));
            var twin = new KvStateMachine(TimeSpan.FromMilliseconds(WindowMs));
            var model = new ReferenceModel(WindowMs);
            foreach (var entry in log)
            {
                bool replayed = model.Apply(entry).Replayed;
                machine.Apply(entry);
                twin.Apply(replayed ? DoesNothing(entry) : entry);
                Assert.Equal(twin.ComputeDigest(), machine.ComputeDigest());
            }
        }));
    }

    private static LogEntry DoesNothing(LogEntry entry) => new()
    {
        Seq = entry.Seq,
        Operation = LogOperation.Delete,
        Key = "never-written",
        SequencedAtUnixMs = entry.SequencedAtUnixMs,
    };

    private static List<string> ListAllByPages(KvStateMachine machine, string prefix)
    {
        var keys = new List<string>();
        string? after = null;
        do
        {
            var page = machine.List(prefix, after, limit: 2);
            keys.AddRange(page.Items.Select(item => item.Key));
            after = page.NextAfter;
        }
        while (after is not null);
        return keys;
    }

    private static LogEntry[] ToLog(List<Step> steps)
    {
        var log = new LogEntry[steps.Count];
        long now = 1_000_000;
        for (int i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            long seq = i + 1;
            now += step.TimeStep;
            log[i] = new LogEntry
            {
                Seq = seq,
                Operation = step.IsPut ? LogOperation.Put : LogOperation.Delete,
                Key = step.Key,
                Value = step.IsPut ? step.Value : ReadOnlyMemory<byte>.Empty,
                ContentType = step.IsPut ? step.ContentType : "",
                // If-Match names a recent seq, so it sometimes matches the key's version and sometimes not.
                Precondition = step.PreconditionKind switch
                {
                    0 => Precondition.None,
                    1 => Precondition.MustNotExist,
                    _ => Precondition.VersionMatches(Math.Max(0, seq - 1 - step.VersionsBack)),
                },
                IdempotencyKey = step.IdempotencyKey,
                SequencedAtUnixMs = now,
            };
        }
        return log;
    }
}
