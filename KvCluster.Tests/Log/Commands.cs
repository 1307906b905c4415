using System.Text;
using KvCluster.Log.Entries;

namespace KvCluster.Tests.Log;

/// <summary>
/// Commands as a node sends them to the sequencer, each with a request id of its own; a test varies one with
/// <c>with { IdempotencyKey = ... }</c> rather than through optional parameters.
/// </summary>
internal static class Commands
{
    public static AppendCommand Put(string key, string value) => new()
    {
        Operation = LogOperation.Put,
        Key = key,
        Value = Encoding.UTF8.GetBytes(value),
        ContentType = "text/plain",
        RequestId = NewRequestId(),
        OriginNode = "node-test",
    };

    public static AppendCommand Delete(string key) => new()
    {
        Operation = LogOperation.Delete,
        Key = key,
        RequestId = NewRequestId(),
        OriginNode = "node-test",
    };

    public static string NewRequestId() => "req-" + Guid.NewGuid().ToString("N")[..16];
}
