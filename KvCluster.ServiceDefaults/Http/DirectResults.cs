using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace KvCluster.ServiceDefaults.Http;

/// <summary>
/// Success answers of the hot routes, written straight to the response. The framework's result types
/// (Results.Bytes/Json/NoContent) each resolve a logger through the request's service scope, which the hot path
/// otherwise never needs: that scope and lookup, per request, are measurable on a busy node or coordinator.
/// </summary>
public static class DirectResults
{
    public static IResult Bytes(ReadOnlyMemory<byte> body, string contentType) => new BytesResult(body, contentType);

    /// <summary>What <see cref="Bytes"/> does, for a caller that answers without a result object.</summary>
    public static Task WriteBytesAsync(HttpContext httpContext, ReadOnlyMemory<byte> body, string contentType) =>
        WriteAsync(httpContext, StatusCodes.Status200OK, body, contentType);

    public static IResult Json<T>(T value, JsonTypeInfo<T> typeInfo, int statusCode) => new JsonResult<T>(value, typeInfo, statusCode);

    public static IResult Status(int statusCode) => new StatusResult(statusCode);

    // The whole body with its Content-Length. A write that completed at once (the usual case) needs no Task of its
    // own: AsTask would allocate one per answer.
    private static Task WriteAsync(HttpContext httpContext, int statusCode, ReadOnlyMemory<byte> body, string contentType)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        var flush = response.BodyWriter.WriteAsync(body, httpContext.RequestAborted);
        if (!flush.IsCompletedSuccessfully) return flush.AsTask();
        _ = flush.Result;
        return Task.CompletedTask;
    }

    private sealed class BytesResult(ReadOnlyMemory<byte> body, string contentType) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteBytesAsync(httpContext, body, contentType);
    }

    // Serialized up front so the answer carries Content-Length: WriteAsJsonAsync streams it chunked, which costs
    // the server an async serializer and the client a chunk decoder for a body of a few dozen bytes.
    private sealed class JsonResult<T>(T value, JsonTypeInfo<T> typeInfo, int statusCode) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) =>
            WriteAsync(httpContext, statusCode, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), "application/json; charset=utf-8");
    }

    private sealed class StatusResult(int statusCode) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = statusCode;
            return Task.CompletedTask;
        }
    }
}
