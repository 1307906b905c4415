using System.Diagnostics.Metrics;
using KvCluster.Log.Entries;
using KvCluster.Node;
using KvCluster.Node.Replication;
using KvCluster.Node.StateMachine;
using Microsoft.Extensions.DependencyInjection;

namespace KvCluster.Tests.Transactions;

public sealed class TxnMetricsTests
{
    [Fact]
    public void Transactions_are_counted_by_outcome_and_as_writes_of_operation_txn()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var metrics = new NodeMetrics(factory, new ReplicaState(new KvStateMachine()));
        var recorded = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name is "kv.transactions" or "kv.writes") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            recorded.Add($"{instrument.Name} {value} " + string.Join(" ", tags.ToArray().Select(tag => $"{tag.Key}={tag.Value}"))));
        listener.Start();

        metrics.RecordTransaction(succeeded: true);
        metrics.RecordTransaction(succeeded: false);
        metrics.RecordWrite(LogOperation.Txn, new WriteOutcome.Applied(7, new ApplyResult(ApplyOutcome.TxnFailed, 7)));

        Assert.Equal(
        [
            "kv.transactions 1 kv.txn.outcome=succeeded",
            "kv.transactions 1 kv.txn.outcome=failed",
            "kv.writes 1 kv.operation=txn kv.write.outcome=txn_failed",
        ], recorded);
    }
}
