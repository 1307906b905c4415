namespace KvCluster.Log.Resp;

/// <summary>The RESP2 reply kinds (RESP3 is not negotiated).</summary>
public enum RespType : byte
{
    SimpleString,
    Error,
    Integer,
    BulkString,
    Array,
    /// <summary>A null bulk string ($-1) or null array (*-1).</summary>
    Null,
}
