using System.Net;
using KvCluster.ServiceDefaults.Security;
using KvCluster.Tests.ServiceDefaults;

namespace KvCluster.Tests.Security;

/// <summary>
/// Every client route of a node and of the coordinator, asked by every kind of caller with client tokens on: no
/// token or an unknown one is 401 with WWW-Authenticate: Bearer, a role below the route's is 403, and a role at or
/// above it succeeds (2xx). /health and /alive answer everyone.
/// </summary>
public sealed class AccessMatrixTests(SecuredServices services) : IClassFixture<SecuredServices>
{
    /// <summary>A client route: the least role it needs, its request (given a fresh name) and what must exist first.</summary>
    private sealed record Route(string Name, KvRole? Minimum, Func<string, HttpRequestMessage> Request, Func<string, HttpRequestMessage>? Seed = null);

    private static HttpRequestMessage SeedKey(string path) => Request.Put(path, "1", "application/json");

    private static readonly Route[] NodeRoutes =
    [
        new("GET /v1/kv/{key}", KvRole.Read, n => Request.Get($"/v1/kv/app/{n}"), n => SeedKey($"/v1/kv/app/{n}")),
        new("PUT /v1/kv/{key}", KvRole.Write, n => Request.Put($"/v1/kv/app/{n}", "v")),
        new("DELETE /v1/kv/{key}", KvRole.Write, n => Request.Delete($"/v1/kv/app/{n}"), n => SeedKey($"/v1/kv/app/{n}")),
        new("GET /v1/kv?prefix=", KvRole.Read, _ => Request.Get("/v1/kv?prefix=app/")),
        new("GET /v1/cluster", KvRole.Read, _ => Request.Get("/v1/cluster")),
        new("GET /v1/node", KvRole.Read, _ => Request.Get("/v1/node?digest=true")),
        new("POST /v1/node/snapshot", KvRole.Admin, _ => Request.Post("/v1/node/snapshot")),
        new("GET /v1/runtime", KvRole.Admin, _ => Request.Get("/v1/runtime")),
        new("PUT /key-value-store/{key}", KvRole.Write, n => Request.Json(HttpMethod.Put, $"/key-value-store/app/{n}", """{"value":1}""")),
        new("GET /key-value-store/{key}", KvRole.Read, n => Request.Get($"/key-value-store/app/{n}"), n => SeedKey($"/v1/kv/app/{n}")),
        new("DELETE /key-value-store/{key}", KvRole.Write, n => Request.Delete($"/key-value-store/app/{n}"), n => SeedKey($"/v1/kv/app/{n}")),
        new("GET /key-value-store-view", KvRole.Read, _ => Request.Get("/key-value-store-view")),
        new("PUT /key-value-store-view", KvRole.Admin, n => ViewChange(HttpMethod.Put, n)),
        new("DELETE /key-value-store-view", KvRole.Admin, n => ViewChange(HttpMethod.Delete, n), n => ViewChange(HttpMethod.Put, n)),
        new("GET /api/v1/role", KvRole.Read, _ => Request.Get("/api/v1/role")),
        new("GET /api/v1/{key}", KvRole.Read, n => Request.Get($"/api/v1/app/{n}"), n => SeedKey($"/v1/kv/app/{n}")),
        new("PUT /api/v1/{key}", KvRole.Write, n => Request.Json(HttpMethod.Put, $"/api/v1/app/{n}", """{"value":1}""")),
        new("POST /api/v1/{key}", KvRole.Write, n => Request.Json(HttpMethod.Post, $"/api/v1/app/{n}", """{"value":1}""")),
        new("DELETE /api/v1/{key}", KvRole.Write, n => Request.Delete($"/api/v1/app/{n}"), n => SeedKey($"/v1/kv/app/{n}")),
        new("GET /health", null, _ => Request.Get("/health")),
        new("GET /alive", null, _ => Request.Get("/alive")),
    ];

    private static readonly Route[] CoordinatorRoutes =
    [
        new("GET /v1/cluster", KvRole.Read, _ => Request.Get("/v1/cluster")),
        new("GET /v1/runtime", KvRole.Admin, _ => Request.Get("/v1/runtime")),
        new("GET /health", null, _ => Request.Get("/health")),
        new("GET /alive", null, _ => Request.Get("/alive")),
    ];

    /// <summary>A kevinDB view change of an address named after the request (10.x.y.z:8080), so each finds the view as it needs.</summary>
    private static HttpRequestMessage ViewChange(HttpMethod method, string name)
    {
        byte[] octets = Convert.FromHexString(name[..6]);
        return Request.Json(method, "/key-value-store-view", $$"""{"socket-address":"10.{{octets[0]}}.{{octets[1]}}.{{octets[2]}}:8080"}""");
    }

    public static TheoryData<string> Callers => ["none", "unknown", "read", "write", "admin"];

    [Theory]
    [MemberData(nameof(Callers))]
    public Task Every_node_route_answers_each_caller_by_its_role(string caller) => CheckAsync(services.Node, NodeRoutes, caller);

    [Theory]
    [MemberData(nameof(Callers))]
    public Task Every_coordinator_client_route_answers_each_caller_by_its_role(string caller) =>
        CheckAsync(services.Coordinator, CoordinatorRoutes, caller);

    private static async Task CheckAsync(LoopbackServer server, Route[] routes, string caller)
    {
        (string? token, KvRole? role) = caller switch
        {
            "none" => ((string?)null, (KvRole?)null),
            "unknown" => ("not-a-configured-token", (KvRole?)null),
            "read" => (TestTokens.Reader, (KvRole?)KvRole.Read),
            "write" => (TestTokens.Writer, (KvRole?)KvRole.Write),
            "admin" => (TestTokens.Admin, (KvRole?)KvRole.Admin),
            _ => throw new ArgumentOutOfRangeException(nameof(caller)),
        };
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var wrong = new List<string>();
        foreach (var route in routes)
        {
            string name = Guid.NewGuid().ToString("N")[..10];
            if (route.Seed is not null)
            {
                using var seeded = await http.SendAsync(route.Seed(name).WithToken(TestTokens.Admin));
                Assert.True(seeded.IsSuccessStatusCode, $"{route.Name}: seeding answered {(int)seeded.StatusCode}");
            }
            using var response = await http.SendAsync(route.Request(name).WithToken(token));
            int status = (int)response.StatusCode;
            string body = await response.Content.ReadAsStringAsync();
            string? problem = response.Content.Headers.ContentType?.MediaType;
            string challenge = response.Headers.WwwAuthenticate.ToString();

            if (route.Minimum is not { } minimum)
            {
                if (status != 200) wrong.Add($"{route.Name}: {status}, expected 200 for anyone");
            }
            else if (role is not { } granted)
            {
                if (status != 401 || !challenge.StartsWith("Bearer", StringComparison.Ordinal) || problem != "application/problem+json")
                {
                    wrong.Add($"{route.Name}: {status} '{challenge}' {problem}, expected 401 with WWW-Authenticate: Bearer and problem details");
                }
            }
            else if (granted < minimum)
            {
                if (status != 403 || problem != "application/problem+json") wrong.Add($"{route.Name}: {status}, expected 403 problem details");
            }
            else if (status is < 200 or > 299)
            {
                wrong.Add($"{route.Name}: {status}, expected success: {body}");
            }
            if (token is not null && body.Contains(token, StringComparison.Ordinal)) wrong.Add($"{route.Name}: the answer holds the token");
        }
        Assert.True(wrong.Count == 0, $"Caller '{caller}':\n" + string.Join('\n', wrong));
    }
}
