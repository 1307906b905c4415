using System.Net.Http.Json;
using KvCluster.RedisLog.Log;

namespace KvCluster.Node.Replication;

/// <summary>Sends appends to the coordinator ("http://coordinator", resolved by service discovery).</summary>
public sealed class CoordinatorClient(HttpClient http)
{
    public async Task<AppendOutcome> AppendAsync(AppendCommand command, CancellationToken cancellationToken)
    {
        var request = new AppendRequest { Commands = [AppendWireCommand.From(command)] };
        using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/append")
        {
            Content = JsonContent.Create(request, AppendWireJsonContext.Default.AppendRequest),
        };
        // The request id makes a repeated append harmless, so the resilience handler may retry it.
        message.Headers.Add("Idempotency-Key", command.RequestId);
        using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            string detail = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new LogUnavailableException($"The coordinator answered {(int)response.StatusCode}: {detail}");
        }
        var body = await response.Content.ReadFromJsonAsync(AppendWireJsonContext.Default.AppendResponse, cancellationToken).ConfigureAwait(false);
        if (body is null || body.Results.Count != 1) throw new LogUnavailableException("The coordinator's answer was malformed.");
        return new AppendOutcome(body.Results[0].Seq, body.Results[0].Duplicate);
    }
}

/// <summary>The write could not be sequenced (coordinator or Redis unreachable); its outcome may be unknown.</summary>
public sealed class LogUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
