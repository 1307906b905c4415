using System.Text.Json;

namespace KvCluster.Tests.Fuzz;

/// <summary>
/// The leases a fuzz run may have granted, so the leases afterwards are checked as its keys are: a lease that was not
/// there before must come from a grant answered 201 (its id in the answer), or from one answered 503 or not at all,
/// which may have taken effect — under the id it named, or, naming none, one unknown lease for each such grant.
/// Leases that ended meanwhile (short TTLs, revokes) only make the check see less; they never make it wrong.
/// </summary>
internal sealed class LeaseLedger
{
    private readonly HashSet<string> _granted = new(StringComparer.Ordinal);
    private int _unnamed;

    /// <summary>Notes what a grant's answer says; null, or what is wrong with a 201's body.</summary>
    public string? Record(FuzzRequest request, RawAnswer? answer)
    {
        if (request.LeaseGrant is not { } named) return null;
        int status = answer?.Status ?? 0;
        if (status == 201)
        {
            string? id = IdOf(answer!);
            if (id is null) return "201 without a lease id in the body";
            _granted.Add(id);
            return named.Length > 0 && id != named ? $"201 for lease '{id}', but the request named '{named}'" : null;
        }
        if (status is 0 or 503)
        {
            if (named.Length > 0) _granted.Add(named);
            else _unnamed++;
        }
        return null;
    }

    /// <summary>Adds a violation for each lease new since <paramref name="before"/> that no accepted grant explains.</summary>
    public void Check(IReadOnlySet<string> before, IReadOnlySet<string> after, List<string> violations)
    {
        int unexplained = 0;
        foreach (string id in after.Except(before).Where(id => !_granted.Contains(id)).Order(StringComparer.Ordinal))
        {
            if (++unexplained > _unnamed) violations.Add($"lease '{id}' exists, but no request that was accepted granted it");
        }
    }

    private static string? IdOf(RawAnswer answer)
    {
        try
        {
            using var json = JsonDocument.Parse(answer.Body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("id", out var id)
                && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
