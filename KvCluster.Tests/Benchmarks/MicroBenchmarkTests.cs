using KvCluster.Benchmarks;
using KvCluster.Benchmarks.Fixtures;
using KvCluster.Log.Entries;

namespace KvCluster.Tests.Benchmarks;

/// <summary>
/// The micro-benchmarks measure the real pieces on well-formed work: each benchmark method, called once, does
/// what its name says on its fixture (timing them is BenchmarkDotNet's job, not the suite's).
/// </summary>
public sealed class MicroBenchmarkTests
{
    [Fact]
    public void The_log_fixture_is_one_valid_chain_in_every_form()
    {
        var first = new LogFixture(5, valueSize: 100);
        var next = new LogFixture(5, valueSize: 100, firstSeq: 6, previousChain: first.LastChain);

        Assert.Equal([6L, 7, 8, 9, 10], next.Entries.Select(entry => entry.Seq));
        string previous = first.PreviousChain;
        foreach (var entry in first.Entries.Concat(next.Entries))
        {
            Assert.True(ChainHash.Continues(previous, entry), $"entry {entry.Seq} does not continue the chain");
            previous = entry.ChainHash;
        }
        var forwarded = AppendWireFormat.DecodeRequest(next.AppendRequest);
        Assert.Equal(next.Commands.Select(command => command.Key), forwarded.Select(command => command.Key));
        Assert.All(next.Entries, entry => Assert.Equal(100, entry.Value.Length));
    }

    [Fact]
    public void Tail_benchmarks_decode_and_verify_every_entry()
    {
        var tail = new TailBenchmarks { ValueSize = 10_240 };
        tail.Setup();

        Assert.Equal(MicroBenchmarkConfig.BatchSize, tail.DecodeEntries());
        Assert.Equal(tail.Log.LastChain, tail.VerifyChain());
    }

    [Fact]
    public void Forward_and_coordinator_benchmarks_carry_every_command_and_its_value()
    {
        var forward = new NodeForwardBenchmarks { ValueSize = 10_240 };
        forward.Setup();
        var coordinator = new CoordinatorAppendBenchmarks { ValueSize = 10_240 };
        coordinator.Setup();

        Assert.True(forward.EncodeAppendRequest() > MicroBenchmarkConfig.BatchSize * 10_240);
        Assert.Equal(MicroBenchmarkConfig.BatchSize, coordinator.DecodeRequest());
        Assert.True(coordinator.DecodeAndDigest() > MicroBenchmarkConfig.BatchSize * (10_240 + ChainHash.CommandDigestLength));
    }

    [Fact]
    public void Apply_benchmark_overwrites_every_key_of_a_filled_state()
    {
        var apply = new ApplyBenchmarks { ValueSize = 100 };
        apply.Setup();
        apply.Fill();

        Assert.Equal(2L * ApplyBenchmarks.KeyCount, apply.ApplyOverwrites());
        Assert.Equal(ApplyBenchmarks.KeyCount, apply.Machine.Count);
        Assert.True(apply.Machine.TryGet("bench-000042", out var record));
        Assert.Equal(ApplyBenchmarks.KeyCount + 43L, record.Version);
    }
}
