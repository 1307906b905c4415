namespace KvCluster.RedisLog.Client;

public enum RedisConnectionState
{
    Connecting,
    Connected,
    Reconnecting,
    Disposed,
}
