using System.Net;
using KvCluster.ServiceDefaults.Security;
using KvCluster.Tests.ServiceDefaults;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace KvCluster.Tests.Security;

/// <summary>
/// Every route a service maps is classified (RequireAccess, the internal policy, or open like /health), so a route
/// added later cannot be left open by forgetting; one that is left unclassified is refused when tokens are on.
/// </summary>
public sealed class RouteClassificationTests(SecuredServices secured, OpenServices open) : IClassFixture<SecuredServices>, IClassFixture<OpenServices>
{
    private static IEnumerable<RouteEndpoint> Routes(LoopbackServer server) =>
        ((IEndpointRouteBuilder)server.App).DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>();

    private static bool IsClassified(RouteEndpoint route) =>
        route.Metadata.GetMetadata<IAllowAnonymous>() is not null
        || route.Metadata.GetMetadata<KvAccessMetadata>() is not null
        || route.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(data => data.Policy == KvPolicies.Internal);

    [Fact]
    public void Every_route_of_the_node_and_the_coordinator_is_classified()
    {
        var routes = Routes(secured.Node).Concat(Routes(secured.Coordinator)).ToList();

        Assert.True(routes.Count >= 20, $"Only {routes.Count} routes found.");
        Assert.All(routes, route => Assert.True(IsClassified(route), $"{route.DisplayName} is not classified."));
    }

    [Fact]
    public void With_tokens_off_client_routes_carry_no_authorization_so_they_cost_nothing_extra()
    {
        var routes = Routes(open.Node).Concat(Routes(open.Coordinator)).ToList();

        var clientRoutes = routes.Where(route => route.Metadata.GetMetadata<KvAccessMetadata>() is not null).ToList();
        Assert.NotEmpty(clientRoutes);
        Assert.All(clientRoutes, route => Assert.Empty(route.Metadata.GetOrderedMetadata<IAuthorizeData>()));
        // The internal routes are guarded all the same.
        Assert.Contains(routes, route => route.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(data => data.Policy == KvPolicies.Internal));
    }

    [Fact]
    public async Task With_tokens_on_an_unclassified_route_is_refused_and_an_unknown_path_or_method_is_still_404_or_405()
    {
        var settings = TestTokens.Settings();
        await using var coordinator = await SecuredCoordinatorHost.StartAsync(new KvCluster.Log.InMemory.InMemoryReplicatedLog(),
            "127.0.0.1:1,abortConnect=false", settings, moreRoutes: app => app.MapGet("/v1/forgotten", () => "open?"));
        using var http = new HttpClient { BaseAddress = coordinator.BaseAddress };

        using var anonymous = await http.GetAsync("/v1/forgotten");
        using var admin = await http.SendAsync(Request.Get("/v1/forgotten").WithToken(TestTokens.Admin));
        using var missing = await http.SendAsync(Request.Get("/v1/no-such-route").WithToken(TestTokens.Admin));
        using var wrongMethod = await http.SendAsync(Request.Delete("/v1/cluster").WithToken(TestTokens.Admin));
        using var wrongMethodAnonymous = await http.SendAsync(Request.Delete("/v1/cluster"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongMethodAnonymous.StatusCode);
    }
}
