namespace FeatureFlags.Web.Flags;

/// <summary>A feature flag as the service answers it: its name, whether it is on, and its key's version in the cluster (its ETag).</summary>
public sealed record Flag(string Name, bool Enabled, long Version);
