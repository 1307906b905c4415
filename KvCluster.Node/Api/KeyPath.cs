using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace KvCluster.Node.Api;

/// <summary>
/// Takes a key from the request's raw target, so an encoded slash (%2F) and a literal one both stay part of the
/// key (routing would decode some and not others). Keys: 1–1024 bytes of UTF-8, no control characters.
/// </summary>
internal static class KeyPath
{
    public const int MaxKeyBytes = 1024;

    // Thread-safe: GetString keeps no state between calls.
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>The decoded key after <paramref name="routePrefix"/>, or an error message for a bad one.</summary>
    public static bool TryGetKey(HttpContext context, string routePrefix, out string key, out string error)
    {
        ReadOnlySpan<char> raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        int query = raw.IndexOf('?');
        if (query >= 0) raw = raw[..query];
        int start = raw.IndexOf(routePrefix, StringComparison.Ordinal);
        return TryDecode(start < 0 ? [] : raw[(start + routePrefix.Length)..], out key, out error);
    }

    public static bool TryDecode(ReadOnlySpan<char> encoded, out string key, out string error)
    {
        key = "";
        if (encoded.Length == 0) { error = "The key is empty; keys are 1 to 1024 bytes of UTF-8."; return false; }
        if (encoded.Length > MaxKeyBytes * 3) { error = $"The key is longer than {MaxKeyBytes} bytes."; return false; }

        Span<byte> bytes = stackalloc byte[encoded.Length * 3];
        int length = 0;
        for (int i = 0; i < encoded.Length; i++)
        {
            char c = encoded[i];
            if (c == '%')
            {
                if (i + 2 >= encoded.Length || !IsHex(encoded[i + 1]) || !IsHex(encoded[i + 2]))
                {
                    error = "The key has a malformed percent-encoding.";
                    return false;
                }
                bytes[length++] = (byte)(HexValue(encoded[i + 1]) * 16 + HexValue(encoded[i + 2]));
                i += 2;
            }
            else if (c < 0x80)
            {
                bytes[length++] = (byte)c;
            }
            else
            {
                // Kestrel hands non-ASCII raw targets over as Latin-1-widened bytes; re-encode them as they came.
                length += Encoding.UTF8.GetBytes(encoded.Slice(i, 1), bytes[length..]);
            }
        }
        if (length > MaxKeyBytes) { error = $"The key is {length} bytes; the limit is {MaxKeyBytes}."; return false; }

        try
        {
            key = StrictUtf8.GetString(bytes[..length]);
        }
        catch (DecoderFallbackException)
        {
            error = "The key is not valid UTF-8.";
            return false;
        }
        return IsValidKey(key, out error);
    }

    public static bool IsValidKey(string key, out string error)
    {
        if (key.Length == 0) { error = "The key is empty; keys are 1 to 1024 bytes of UTF-8."; return false; }
        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes) { error = $"The key is longer than {MaxKeyBytes} bytes."; return false; }
        foreach (char c in key)
        {
            if (char.IsControl(c)) { error = "The key contains a control character."; return false; }
        }
        error = "";
        return true;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
