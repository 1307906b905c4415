using System.Net;

namespace KvCluster.Bench.Targets;

/// <summary>The trivial-server's GET / (a constant 100 bytes) for every operation: what one Kestrel endpoint can answer here.</summary>
public sealed class TrivialTarget : IBenchTarget
{
    private readonly HttpClient[] _servers;
    private readonly ResponseBuffer[] _buffers;

    public TrivialTarget(IReadOnlyList<Uri> servers, int connections)
    {
        ArgumentOutOfRangeException.ThrowIfZero(servers.Count);
        _servers = [.. servers.Select((url, i) => LoopbackHttp.CreateClient(url, LoopbackHttp.ConnectionsFor(i, servers.Count, connections)))];
        _buffers = [.. Enumerable.Range(0, connections).Select(_ => new ResponseBuffer())];
    }

    public string Name => "trivial";

    public Task<OperationResult> ReadAsync(int connection, int key, CancellationToken cancellationToken) => GetAsync(connection, cancellationToken);

    public Task<OperationResult> WriteAsync(int connection, int key, CancellationToken cancellationToken) => GetAsync(connection, cancellationToken);

    private async Task<OperationResult> GetAsync(int connection, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "");
        using var response = await _servers[connection % _servers.Length]
            .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await LoopbackHttp.ReadBodyAsync(response, _buffers[connection], cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK ? OperationResult.Ok : OperationResult.HttpStatus((int)response.StatusCode);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var server in _servers) server.Dispose();
        return ValueTask.CompletedTask;
    }
}
