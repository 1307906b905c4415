using KvCluster.Tests.Linearizability;

namespace KvCluster.Tests.Transactions;

/// <summary>The transfer model the cluster test checks its history with tells a linearizable history from one that is not.</summary>
public sealed class TransferModelTests
{
    private static readonly TransferModel Model = new(new Accounts(100, 100));
    private static readonly TransferInput Move10 = new(false, 100, 100, 90, 110);

    private static Verdict Check(params Operation<TransferInput, TransferOutput>[] history) =>
        LinearizabilityChecker.Check(Model, history, TimeSpan.FromSeconds(5)).Verdict;

    [Fact]
    public void Concurrent_transfers_from_one_state_of_which_one_won_and_reads_around_them_are_linearizable()
    {
        Assert.Equal(Verdict.Linearizable, Check(
            new(1, Move10, 0, new TransferOutput(true), 10),
            new(2, new TransferInput(false, 100, 100, 50, 150), 1, new TransferOutput(false), 12),
            new(3, new TransferInput(true), 5, new TransferOutput(true, 100, 100), 6),     // before the transfer took effect
            new(3, new TransferInput(true), 13, new TransferOutput(true, 90, 110), 14)));
    }

    [Fact]
    public void Two_winners_from_one_state_a_read_of_half_a_transfer_or_a_stale_read_after_it_are_not()
    {
        Assert.Equal(Verdict.NotLinearizable, Check(
            new(1, Move10, 0, new TransferOutput(true), 10),
            new(2, new TransferInput(false, 100, 100, 50, 150), 1, new TransferOutput(true), 12)));
        Assert.Equal(Verdict.NotLinearizable, Check(
            new(1, Move10, 0, new TransferOutput(true), 10),
            new(3, new TransferInput(true), 5, new TransferOutput(true, 90, 100), 6)));
        Assert.Equal(Verdict.NotLinearizable, Check(
            new(1, Move10, 0, new TransferOutput(true), 10),
            new(3, new TransferInput(true), 11, new TransferOutput(true, 100, 100), 12)));
    }
}
