namespace KvCluster.Tests.Security;

/// <summary>No client token and not the internal key appear in anything the services log, whatever callers send.</summary>
public sealed class SecretsInLogsTests(SecuredServices services) : IClassFixture<SecuredServices>
{
    [Fact]
    public async Task Neither_tokens_nor_the_internal_key_are_logged()
    {
        const string guess = "a-guessed-token-4471";
        using var node = new HttpClient { BaseAddress = services.Node.BaseAddress };
        using var coordinator = new HttpClient { BaseAddress = services.Coordinator.BaseAddress };
        foreach (string token in TestTokens.Secrets.Append(guess))
        {
            // Allowed and refused requests alike, with each secret as a bearer token; writes cross to the coordinator
            // with the internal key.
            (await node.SendAsync(Request.Put("/v1/kv/app/logged", "v").WithToken(token))).Dispose();
            (await node.SendAsync(Request.Get("/v1/kv/app/logged").WithToken(token))).Dispose();
            (await node.SendAsync(Request.Post("/v1/node/snapshot").WithToken(token))).Dispose();
            (await coordinator.SendAsync(Request.Get("/v1/cluster").WithToken(token))).Dispose();
            var internalCall = Request.Get("/v1/internal/snapshot");
            internalCall.Headers.TryAddWithoutValidation("X-Kv-Internal-Key", token);
            (await node.SendAsync(internalCall)).Dispose();
        }

        var lines = services.Logs.Lines;
        Assert.Contains(lines, line => line.Contains("Bearer", StringComparison.Ordinal));
        foreach (string secret in TestTokens.Secrets.Append(guess))
        {
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }
}
