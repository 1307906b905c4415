namespace KvCluster.ServiceDefaults.Health;

/// <summary>Tags that place a health check on an endpoint.</summary>
public static class HealthCheckTags
{
    /// <summary>Checks with this tag also answer <c>/alive</c>; every check answers <c>/health</c>.</summary>
    public const string Live = "live";
}
