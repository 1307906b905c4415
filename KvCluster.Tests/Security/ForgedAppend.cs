using System.Net.Http.Headers;
using System.Text;
using KvCluster.Log.Entries;

namespace KvCluster.Tests.Security;

/// <summary>What an outsider would send the coordinator to put a key into the log: a well-formed append of one put.</summary>
internal static class ForgedAppend
{
    public static HttpRequestMessage Request(string key)
    {
        var command = new AppendCommand
        {
            Operation = LogOperation.Put,
            Key = key,
            Value = Encoding.UTF8.GetBytes("forged"),
            ContentType = "text/plain",
            RequestId = "outsider-" + Guid.NewGuid().ToString("N"),
            OriginNode = "outsider",
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/append") { Content = new ByteArrayContent(AppendWireFormat.EncodeRequest([command])) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(AppendWireFormat.ContentType);
        return request;
    }
}
