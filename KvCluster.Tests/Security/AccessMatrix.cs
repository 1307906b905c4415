using KvCluster.ServiceDefaults.Security;

namespace KvCluster.Tests.Security;

/// <summary>The secrets of one caller per role, as a service under test is configured with them.</summary>
internal sealed record RoleTokens(string Reader, string Writer, string Admin);

/// <summary>
/// Asks every route as one kind of caller and says what answered wrong: no token or an unknown one must be 401 with
/// WWW-Authenticate: Bearer and problem details, a role below the route's 403 problem details, a role at or above it
/// a success; open routes answer everyone 200; no answer holds the token.
/// </summary>
internal static class AccessMatrix
{
    public static readonly string[] Callers = ["none", "unknown", "read", "write", "admin"];

    public static async Task<IReadOnlyList<string>> CheckAsync(Uri baseAddress, IEnumerable<ClientRoute> routes, string caller, RoleTokens tokens)
    {
        (string? token, KvRole? role) = caller switch
        {
            "none" => ((string?)null, (KvRole?)null),
            "unknown" => ("not-a-configured-token", (KvRole?)null),
            "read" => (tokens.Reader, (KvRole?)KvRole.Read),
            "write" => (tokens.Writer, (KvRole?)KvRole.Write),
            "admin" => (tokens.Admin, (KvRole?)KvRole.Admin),
            _ => throw new ArgumentOutOfRangeException(nameof(caller)),
        };
        using var http = new HttpClient { BaseAddress = baseAddress };
        var wrong = new List<string>();
        foreach (var route in routes)
        {
            string name = Guid.NewGuid().ToString("N")[..10];
            if (route.Seed is not null)
            {
                using var seeded = await http.SendAsync(route.Seed(name).WithToken(tokens.Admin));
                if (!seeded.IsSuccessStatusCode)
                {
                    wrong.Add($"{route.Name}: seeding answered {(int)seeded.StatusCode}");
                    continue;
                }
            }
            using var response = await http.SendAsync(route.Request(name).WithToken(token), HttpCompletionOption.ResponseHeadersRead);
            int status = (int)response.StatusCode;
            string body = await ReadBodyAsync(response);
            string? problem = response.Content.Headers.ContentType?.MediaType;
            string challenge = response.Headers.WwwAuthenticate.ToString();

            if (route.Minimum is not { } minimum)
            {
                if (status != 200) wrong.Add($"{route.Name}: {status}, expected 200 for anyone");
            }
            else if (role is not { } granted)
            {
                if (status != 401 || !challenge.StartsWith("Bearer", StringComparison.Ordinal) || problem != "application/problem+json")
                {
                    wrong.Add($"{route.Name}: {status} '{challenge}' {problem}, expected 401 with WWW-Authenticate: Bearer and problem details");
                }
            }
            else if (granted < minimum)
            {
                if (status != 403 || problem != "application/problem+json") wrong.Add($"{route.Name}: {status}, expected 403 problem details");
            }
            else if (status is < 200 or > 299)
            {
                wrong.Add($"{route.Name}: {status}, expected success: {body}");
            }
            if (token is not null && body.Contains(token, StringComparison.Ordinal)) wrong.Add($"{route.Name}: the answer holds the token");
        }
        return wrong;
    }

    // A watch stream does not end: its first line is what it answered.
    private static async Task<string> ReadBodyAsync(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream") return await response.Content.ReadAsStringAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        return await reader.ReadLineAsync(timeout.Token) ?? "";
    }
}
