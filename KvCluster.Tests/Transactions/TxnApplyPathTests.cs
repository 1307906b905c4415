using KvCluster.Log.Entries;
using KvCluster.Log.InMemory;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using KvCluster.Node.Transactions;
using KvCluster.Tests.Replication.InProcess;
using static KvCluster.Tests.Log.Commands;

namespace KvCluster.Tests.Transactions;

/// <summary>Transaction entries through a node's real tailer over the in-memory log: a bad one is an outcome, not a stop.</summary>
public sealed class TxnApplyPathTests
{
    private static AppendCommand Txn(byte[] value) => new()
    {
        Operation = LogOperation.Txn,
        Key = "",
        Value = value,
        RequestId = NewRequestId(),
        OriginNode = "node-1",
    };

    [Fact]
    public async Task An_undecodable_transaction_entry_changes_nothing_is_answered_as_such_and_the_node_applies_what_follows()
    {
        var log = new InMemoryReplicatedLog();
        await using var node = await InProcessNode.Over(log).Named("node-1").StartAsync();
        var malformed = Txn([1, 0xFF, 0xFF, 0xFF, 0x7F]);
        var valid = Txn(TxnCodec.Encode(new Transaction([TxnCompare.ExistsIs("a", true)], [TxnOp.Put("b", "from txn"u8.ToArray())], [])));
        var malformedAnswer = node.Pending.Register(malformed.RequestId, InProcessNode.Patience);
        var validAnswer = node.Pending.Register(valid.RequestId, InProcessNode.Patience);

        await log.AppendAsync([[Put("a", "1"), malformed, valid, Put("c", "after")]]);
        await node.WaitUntilAppliedAsync(4);

        Assert.Equal(new WriteDecision(2, new ApplyResult(ApplyOutcome.TxnMalformed, 2)), await malformedAnswer.Decided.WaitAsync(InProcessNode.Patience));
        var applied = await validAnswer.Decided.WaitAsync(InProcessNode.Patience);
        Assert.Equal(ApplyOutcome.TxnSucceeded, applied.Result?.Outcome);
        Assert.Null(node.Replica.Divergence);
        Assert.Equal(("1", "from txn", "after"), (node.ValueOf("a"), node.ValueOf("b"), node.ValueOf("c")));
        Assert.Equal((await LogReplay.ReplayAsync(log)).ComputeDigest(), node.Digest);
    }
}
