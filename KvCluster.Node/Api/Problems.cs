namespace KvCluster.Node.Api;

/// <summary>RFC 9457 problem answers with a title that says what went wrong and a detail that says what to do.</summary>
internal static class Problems
{
    public static IResult BadRequest(string title, string detail) => Problem(StatusCodes.Status400BadRequest, title, detail);

    public static IResult NotFound(string key) =>
        Problem(StatusCodes.Status404NotFound, "Key not found", $"There is no key '{key}'.");

    public static IResult PreconditionFailed(string key, long currentVersion) =>
        Problem(StatusCodes.Status412PreconditionFailed, "Precondition failed",
            currentVersion == 0 ? $"Key '{key}' does not exist." : $"Key '{key}' is at version {currentVersion}.");

    public static IResult TooLarge(long limit) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Value too large", $"Values are limited to {limit} bytes (Kv:MaxValueBytes).");

    public static IResult Unavailable(string title, string detail) => Problem(StatusCodes.Status503ServiceUnavailable, title, detail);

    private static IResult Problem(int status, string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: status);
}
