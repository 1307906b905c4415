using System.Net;

namespace KvCluster.Bench.Targets;

/// <summary>
/// The trivial-server's GET / for every operation: what one Kestrel endpoint can answer here. Its answer must be
/// the workload's value size (the server's --body-size), so a ceiling is never reported for bytes it did not move.
/// </summary>
public sealed class TrivialTarget : IBenchTarget
{
    private readonly HttpClient[] _servers;
    private readonly ResponseBuffer[] _buffers;
    private readonly int _bodySize;
    private readonly OperationResult _wrongSize;

    public TrivialTarget(IReadOnlyList<Uri> servers, int connections, int bodySize)
    {
        ArgumentOutOfRangeException.ThrowIfZero(servers.Count);
        _bodySize = bodySize;
        _wrongSize = OperationResult.Failed($"answer not {bodySize} bytes (start trivial-server with --body-size {bodySize})");
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
        int length = await LoopbackHttp.ReadBodyAsync(response, _buffers[connection], cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK) return OperationResult.HttpStatus((int)response.StatusCode);
        return length == _bodySize ? OperationResult.Ok : _wrongSize;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var server in _servers) server.Dispose();
        return ValueTask.CompletedTask;
    }
}
