using KvCluster.ServiceDefaults.Security;

namespace KvCluster.Tests.Security;

/// <summary>A client route: the least role it needs (null: open to anyone), its request given a fresh name, and what must exist first.</summary>
internal sealed record ClientRoute(string Name, KvRole? Minimum, Func<string, HttpRequestMessage> Request, Func<string, HttpRequestMessage>? Seed = null);

/// <summary>
/// Every client route of a node and of the coordinator, with the role each needs (docs/architecture.md §7): the one
/// list both the in-process matrix and the one against a cluster started with --auth go through.
/// </summary>
internal static class ClientRoutes
{
    private static HttpRequestMessage SeedKey(string path) => Request.Put(path, "1", "application/json");

    public static readonly ClientRoute[] Node =
    [
        new("GET /v1/kv/{key}", KvRole.Read, n => Request.Get($"/v1/kv/app/{n}"), n => SeedKey($"/v1/kv/app/{n}")),
        new("PUT /v1/kv/{key}", KvRole.Write, n => Request.Put($"/v1/kv/app/{n}", "v")),
        new("DELETE /v1/kv/{key}", KvRole.Write, n => Request.Delete($"/v1/kv/app/{n}"), n => SeedKey($"/v1/kv/app/{n}")),
        new("POST /v1/txn", KvRole.Write, n => Request.Json(HttpMethod.Post, "/v1/txn",
            $$"""{"compare":[{"key":"app/{{n}}","exists":true}],"success":[{"op":"get","key":"app/{{n}}"}],"failure":[{"op":"put","key":"app/{{n}}","value":"v"}]}""")),
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
        new("GET /v1/watch?prefix=", KvRole.Read, _ => Request.Get("/v1/watch?prefix=app/")),
        new("POST /v1/leases", KvRole.Write, _ => Request.Json(HttpMethod.Post, "/v1/leases", """{"ttlSeconds":60}""")),
        new("GET /v1/leases", KvRole.Read, _ => Request.Get("/v1/leases")),
        new("GET /v1/leases/{id}", KvRole.Read, n => Request.Get($"/v1/leases/{LeaseId(n)}"), SeedLease),
        new("POST /v1/leases/{id}/keepalive", KvRole.Write, n => Request.Post($"/v1/leases/{LeaseId(n)}/keepalive"), SeedLease),
        new("DELETE /v1/leases/{id}", KvRole.Write, n => Request.Delete($"/v1/leases/{LeaseId(n)}"), SeedLease),
        new("PUT /v1/kv/{key}?lease=", KvRole.Write, n => Request.Put($"/v1/kv/app/{n}?lease={LeaseId(n)}", "v"), SeedLease),
    ];

    // A lease id (16 lowercase hex digits) named after the request, granted under that id by SeedLease.
    private static string LeaseId(string name) => name.PadLeft(16, '0');

    private static HttpRequestMessage SeedLease(string name) =>
        Request.Json(HttpMethod.Post, "/v1/leases", $$"""{"ttlSeconds":60,"id":"{{LeaseId(name)}}"}""");

    public static readonly ClientRoute[] Coordinator =
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
}
