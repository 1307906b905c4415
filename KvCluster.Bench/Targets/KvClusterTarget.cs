using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using KvCluster.Bench.Workload;

namespace KvCluster.Bench.Targets;

/// <summary>
/// KvCluster's client API (docs/architecture.md §4): PUT and GET /v1/kv/{key}. Connection i talks to node i % N, so
/// load is spread evenly; session reads carry the connection's last seen X-Kv-Seq as X-Kv-Min-Seq.
/// </summary>
public sealed class KvClusterTarget : IBenchTarget
{
    private const string SeqHeader = "X-Kv-Seq";
    private const string MinSeqHeader = "X-Kv-Min-Seq";

    private readonly HttpClient[] _nodes;
    private readonly string[] _readPaths;
    private readonly string[] _writePaths;
    private readonly ReadOnlyMemory<byte> _value;
    private readonly ReadConsistency _consistency;
    private readonly ResponseBuffer[] _buffers;
    private readonly long[] _lastSeq;

    public KvClusterTarget(IReadOnlyList<Uri> nodes, KeySpace keys, int connections, ReadConsistency consistency)
    {
        ArgumentOutOfRangeException.ThrowIfZero(nodes.Count);
        _nodes = [.. nodes.Select((url, i) => LoopbackHttp.CreateClient(url, LoopbackHttp.ConnectionsFor(i, nodes.Count, connections)))];
        string query = "?consistency=" + consistency.ToString().ToLowerInvariant();
        _writePaths = [.. keys.Keys.Select(key => "v1/kv/" + Uri.EscapeDataString(key))];
        _readPaths = [.. _writePaths.Select(path => path + query)];
        _value = keys.Value;
        _consistency = consistency;
        _buffers = [.. Enumerable.Range(0, connections).Select(_ => new ResponseBuffer())];
        _lastSeq = new long[connections];
    }

    public string Name => "kvcluster";

    public async Task<OperationResult> ReadAsync(int connection, int key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _readPaths[key]);
        if (_consistency == ReadConsistency.Session)
        {
            request.Headers.TryAddWithoutValidation(MinSeqHeader, _lastSeq[connection].ToString(CultureInfo.InvariantCulture));
        }
        return await SendAsync(connection, request, cancellationToken).ConfigureAwait(false);
    }

    public async Task<OperationResult> WriteAsync(int connection, int key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, _writePaths[key])
        {
            Content = new ReadOnlyMemoryContent(_value) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } },
        };
        return await SendAsync(connection, request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<OperationResult> SendAsync(int connection, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var client = _nodes[connection % _nodes.Length];
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await LoopbackHttp.ReadBodyAsync(response, _buffers[connection], cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Created)) return OperationResult.HttpStatus((int)response.StatusCode);
        if (_consistency == ReadConsistency.Session) RememberSeq(connection, response);
        return OperationResult.Ok;
    }

    private void RememberSeq(int connection, HttpResponseMessage response)
    {
        if (response.Headers.NonValidated.TryGetValues(SeqHeader, out var values)
            && long.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out long seq)
            && seq > _lastSeq[connection])
        {
            _lastSeq[connection] = seq;
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) node.Dispose();
        return ValueTask.CompletedTask;
    }
}
