namespace KvCluster.Log.Entries;

/// <summary>The name each <see cref="LogOperation"/> has in metrics, traces and logs.</summary>
public static class LogOperationNames
{
    public static string Of(LogOperation operation) => operation switch
    {
        LogOperation.Put => "put",
        LogOperation.Delete => "delete",
        LogOperation.Txn => "txn",
        LogOperation.LeaseGrant => "lease_grant",
        LogOperation.LeaseRevoke => "lease_revoke",
        _ => "unknown",
    };
}
