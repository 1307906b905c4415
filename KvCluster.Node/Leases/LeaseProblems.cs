namespace KvCluster.Node.Leases;

/// <summary>The problem answers (RFC 9457) of the lease routes and of a put that names a lease.</summary>
internal static class LeaseProblems
{
    public static IResult NotFound(string id) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Lease not found",
        detail: $"There is no lease '{id}': it was never granted, or it was revoked or has expired. Grant a new one with POST /v1/leases.");

    public static IResult InvalidId(string id) => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid lease id",
        detail: $"'{Truncate(id)}' is not a lease id: lease ids are 16 lowercase hexadecimal digits, as POST /v1/leases answers.");

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "...";
}
