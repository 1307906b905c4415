using System.Net.Sockets;
using System.Text;

namespace KvCluster.Tests.ServiceDefaults;

/// <summary>Sends bytes HttpClient would refuse to send (a malformed body, a lying Content-Length) and reads the answer.</summary>
internal static class RawHttp
{
    /// <summary>The whole answer as text, read until the server closes the connection or 5 s pass.</summary>
    public static async Task<string> SendAsync(Uri server, string request)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await client.ConnectAsync(server.Host, server.Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request), timeout.Token);
        var answer = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                answer.Write(buffer, 0, read);
                if (LooksComplete(answer)) break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // What came before the timeout or the reset is the answer.
        }
        return Encoding.Latin1.GetString(answer.ToArray());
    }

    // Headers and a body of the declared length (or none): enough to stop without waiting for a close.
    private static bool LooksComplete(MemoryStream answer)
    {
        string text = Encoding.Latin1.GetString(answer.GetBuffer(), 0, (int)answer.Length);
        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) return false;
        const string header = "Content-Length: ";
        int at = text.IndexOf(header, StringComparison.OrdinalIgnoreCase);
        if (at < 0 || at > end) return !text.Contains("chunked", StringComparison.OrdinalIgnoreCase) || text.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
        int lineEnd = text.IndexOf("\r\n", at, StringComparison.Ordinal);
        return int.TryParse(text.AsSpan(at + header.Length, lineEnd - at - header.Length), out int length) && text.Length - end - 4 >= length;
    }
}
