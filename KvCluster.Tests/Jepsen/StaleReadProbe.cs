using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace KvCluster.Tests.Jepsen;

/// <summary>
/// The workload most likely to expose a missing read barrier: write a key on one node and, as soon as that is
/// acknowledged, read it linearizably on another node, which may not have applied the write yet.
/// </summary>
internal static class StaleReadProbe
{
    public static async Task<List<RecordedOperation>> RunAsync(IReadOnlyList<HttpClient> nodes, int writers, int roundsEach)
    {
        var clock = Stopwatch.StartNew();
        int index = 0;
        var all = await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
        {
            var operations = new List<RecordedOperation>();
            string key = "probe" + writer.ToString(CultureInfo.InvariantCulture);
            for (int round = 0; round < roundsEach; round++)
            {
                int writeNode = (writer + round) % nodes.Count, readNode = (writeNode + 1) % nodes.Count;
                var put = new RecordedOperation
                {
                    Index = Interlocked.Increment(ref index), Client = writer, Node = writeNode, Kind = OperationKind.Put, Key = key,
                    Value = $"w{writer}-{round}", Call = clock.Elapsed.Ticks / 10,
                };
                using (var response = await nodes[writeNode].PutAsync("/v1/kv/" + key, new StringContent(put.Value, Encoding.UTF8, "text/plain")))
                {
                    put.Return = clock.Elapsed.Ticks / 10;
                    Assert.True(response.IsSuccessStatusCode, $"probe write answered {response.StatusCode}");
                    put.Outcome = OperationOutcome.Ok;
                    put.Created = response.StatusCode == HttpStatusCode.Created;
                    put.Version = long.Parse(response.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture);
                }
                operations.Add(put);

                var get = new RecordedOperation
                {
                    Index = Interlocked.Increment(ref index), Client = writer, Node = readNode, Kind = OperationKind.Get, Key = key,
                    Consistency = "linearizable", Call = clock.Elapsed.Ticks / 10,
                };
                using (var response = await nodes[readNode].GetAsync("/v1/kv/" + key + "?consistency=linearizable"))
                {
                    get.Return = clock.Elapsed.Ticks / 10;
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        get.Outcome = OperationOutcome.Ok;
                        get.ValueRead = await response.Content.ReadAsStringAsync();
                        get.Version = long.Parse(response.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture);
                    }
                    else
                    {
                        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                        get.Outcome = OperationOutcome.NotFound;
                    }
                }
                operations.Add(get);
            }
            return operations;
        })));
        return [.. all.SelectMany(operations => operations)];
    }
}
