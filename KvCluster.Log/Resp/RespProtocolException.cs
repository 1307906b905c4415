using System.Diagnostics.CodeAnalysis;
using KvCluster.Log.Client;

namespace KvCluster.Log.Resp;

/// <summary>
/// The bytes from the server are not valid RESP. The connection they came on cannot be trusted
/// any more (replies could no longer be matched to commands), so the client closes it.
/// </summary>
public sealed class RespProtocolException : RedisException
{
    public RespProtocolException(string message) : base(message) { }

    // Throw helpers keep the parser's straight-line code free of throw statements (and inlinable).
    [DoesNotReturn]
    internal static void Throw(string message) => throw new RespProtocolException(message);

    [DoesNotReturn]
    internal static void ThrowUnexpectedPrefix(byte prefix) =>
        throw new RespProtocolException($"Unexpected RESP type prefix 0x{prefix:X2} ('{Printable(prefix)}').");

    [DoesNotReturn]
    internal static void ThrowMissingLineEnd() =>
        throw new RespProtocolException("A RESP line is not terminated by CRLF.");

    [DoesNotReturn]
    internal static void ThrowBadInteger(string what) =>
        throw new RespProtocolException($"The {what} is not a valid RESP integer.");

    private static char Printable(byte b) => b is >= 0x20 and < 0x7F ? (char)b : '?';
}
