namespace KvCluster.Log.Client;

public enum RedisConnectionState
{
    Connecting,
    Connected,
    Reconnecting,
    Disposed,
}
