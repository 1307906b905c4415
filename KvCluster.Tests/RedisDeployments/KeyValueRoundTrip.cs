using System.Net;

namespace KvCluster.Tests.RedisDeployments;

/// <summary>Keys written through one node and read back through another, linearizable: the cluster works on this Redis.</summary>
public static class KeyValueRoundTrip
{
    public static async Task AssertAsync(HttpClient writer, HttpClient reader, int keys = 5)
    {
        for (int i = 1; i <= keys; i++)
        {
            using var put = await writer.PutAsync($"/v1/kv/deployment/{i}", new StringContent($"value-{i}")).ConfigureAwait(false);
            Assert.True(put.StatusCode == HttpStatusCode.Created,
                $"PUT deployment/{i}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }
        for (int i = 1; i <= keys; i++)
        {
            using var get = await reader.GetAsync($"/v1/kv/deployment/{i}?consistency=linearizable").ConfigureAwait(false);
            string body = await get.Content.ReadAsStringAsync().ConfigureAwait(false);
            Assert.True(get.StatusCode == HttpStatusCode.OK, $"GET deployment/{i}: {(int)get.StatusCode} {body}");
            Assert.Equal($"value-{i}", body);
        }
    }
}
