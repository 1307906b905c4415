namespace KvCluster.ServiceDefaults.Security;

/// <summary>
/// The service's settings would leave it open (no internal key, client tokens off on a public address, a bad token):
/// it refuses to start. The message is one line that says what to set.
/// </summary>
public sealed class InsecureConfigurationException(string message) : Exception(message);
