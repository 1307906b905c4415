using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using static KvCluster.Tests.Integration.KvHttp;

namespace KvCluster.Tests.Integration;

/// <summary>
/// What clients were told: for each key, the acknowledged write with the highest version (a later write to a
/// key always gets a higher version). After any failure the database must hold exactly this, except where a write
/// answered 503 took effect all the same (its outcome is unknown to the client: Redis may have logged it and then
/// died before answering): then the key holds that write's value, at a higher version.
/// </summary>
internal sealed class AcknowledgedWrites
{
    private readonly ConcurrentDictionary<string, (long Version, string Value)> _latest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentBag<string>> _uncertain = new(StringComparer.Ordinal);

    public int Count => _latest.Count;

    /// <summary>Writes <paramref name="count"/> values over <paramref name="keys"/> keys from <paramref name="concurrency"/> clients spread over the nodes.</summary>
    public async Task WriteAsync(IReadOnlyList<HttpClient> nodes, int count, int keys, int concurrency = 24, string prefix = "k",
        bool tolerateUnavailable = false)
    {
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                string key = $"{prefix}{i % keys}";
                string value = $"write-{i}";
                using var put = await PutAsync(nodes[i % nodes.Count], key, value);
                if (put.IsSuccessStatusCode)
                {
                    Record(key, ETagVersion(put), value);
                }
                else if (tolerateUnavailable && put.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    _uncertain.GetOrAdd(key, _ => []).Add(value);
                }
                else
                {
                    Assert.Fail($"PUT {key} answered {put.StatusCode}: {await put.Content.ReadAsStringAsync()}");
                }
            }
        })));
    }

    public void Record(string key, long version, string value) =>
        _latest.AddOrUpdate(key, (version, value), (_, old) => version > old.Version ? (version, value) : old);

    /// <summary>Every acknowledged key is on <paramref name="node"/> with its version and value, and nothing else is but writes of unknown outcome.</summary>
    public async Task AssertHeldByAsync(HttpClient node, string prefix = "k")
    {
        var listed = new Dictionary<string, long>(StringComparer.Ordinal);
        string? after = null;
        do
        {
            var page = await node.GetFromJsonAsync<JsonElement>(
                $"/v1/kv?prefix={Uri.EscapeDataString(prefix)}&limit=1000" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)));
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                listed[item.GetProperty("key").GetString()!] = item.GetProperty("version").GetInt64();
            }
            after = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
        }
        while (after is not null);

        // Every acknowledged key is there; any other key is one whose writes all had unknown outcomes.
        Assert.Empty(_latest.Keys.Except(listed.Keys).Order(StringComparer.Ordinal));
        Assert.Empty(listed.Keys.Except(_latest.Keys).Except(_uncertain.Keys).Order(StringComparer.Ordinal));
        foreach (var (key, held) in listed)
        {
            bool acknowledged = _latest.TryGetValue(key, out var acked);
            if (acknowledged && held == acked.Version) continue;
            Assert.True(!acknowledged || held > acked.Version, $"{key}: acknowledged version {acked.Version}, held {held}");
            // Newer than anything acknowledged: it must be a write whose answer was lost, not one nobody made.
            string? value = await GetValueAsync(node, key);
            Assert.True(_uncertain.TryGetValue(key, out var candidates) && candidates.Contains(value),
                $"{key} holds '{value}' at version {held}, which no write of unknown outcome sent");
        }
        // Values too, for a sample spread over the key space (every key would be thousands of requests).
        foreach (var (key, (_, value)) in _latest.Where((entry, i) => i % 25 == 0 && listed[entry.Key] == entry.Value.Version))
        {
            Assert.Equal(value, await GetValueAsync(node, key));
        }
    }
}
