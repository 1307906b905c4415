namespace KvCluster.ServiceDefaults.Security;

/// <summary>Marks a route as classified, with the policy it requires when client tokens are on (also when they are off).</summary>
public sealed record KvAccessMetadata(string Policy);
