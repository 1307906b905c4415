namespace KvCluster.Bench.Targets;

/// <summary>How one request ended: success, or the kind of error it was counted under ("HTTP 503", "key missing", ...).</summary>
public readonly record struct OperationResult(string? Error)
{
    public static readonly OperationResult Ok = new(null);

    public bool IsOk => Error is null;

    public static OperationResult Failed(string error) => new(error);

    public static OperationResult HttpStatus(int statusCode) => new(HttpStatusErrors.For(statusCode));
}

/// <summary>"HTTP nnn" strings made once per status code, so a storm of 503s does not allocate a string each.</summary>
internal static class HttpStatusErrors
{
    private static readonly string[] Known = Enumerable.Range(0, 600).Select(code => $"HTTP {code}").ToArray();

    public static string For(int statusCode) =>
        statusCode >= 0 && statusCode < Known.Length ? Known[statusCode] : $"HTTP {statusCode}";
}
