using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KvCluster.Tests.ServiceDefaults;

/// <summary>
/// A handler that throws is answered with a plain problem+json 500, also in Development (where Aspire runs the
/// services and ASP.NET Core would otherwise show the developer exception page): no message, type or stack trace.
/// </summary>
public sealed class ExceptionAnswerTests
{
    private const string Secret = "secret-internal-detail-4711";

    private static Task<LoopbackServer> ServiceAsync(ErrorLog? errors = null) =>
        LoopbackServer.StartAsync(
            app =>
            {
                app.UseServiceDefaults();
                app.MapGet("/throws", (Func<string>)(() => throw new InvalidOperationException(Secret)));
                app.MapPut("/reads", async (HttpContext context) =>
                {
                    await context.Request.Body.CopyToAsync(Stream.Null);
                    return Results.Ok();
                });
            },
            configureBuilder: builder =>
            {
                builder.Environment.EnvironmentName = Environments.Development;
                builder.AddServiceDefaults();
                if (errors is not null) builder.Logging.AddProvider(errors);
            });

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/html")]
    [InlineData("*/*")]
    public async Task A_throwing_handler_answers_a_plain_problem_500(string accept)
    {
        await using var server = await ServiceAsync();
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/throws");
        request.Headers.TryAddWithoutValidation("Accept", accept);

        using var response = await client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(Secret, body);
        Assert.DoesNotContain(nameof(InvalidOperationException), body);
        Assert.DoesNotContain(" at ", body);
    }

    [Fact]
    public async Task The_exception_is_still_logged_as_an_error_with_its_detail()
    {
        var errors = new ErrorLog();
        await using var server = await ServiceAsync(errors);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await client.GetAsync("/throws");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains(errors.Exceptions, e => e is InvalidOperationException { Message: Secret });
    }

    [Theory]
    [InlineData("GET", "/nowhere", HttpStatusCode.NotFound)]
    [InlineData("DELETE", "/throws", HttpStatusCode.MethodNotAllowed)]
    public async Task A_status_without_a_body_is_a_problem_whatever_the_client_accepts(string method, string path, HttpStatusCode status)
    {
        await using var server = await ServiceAsync();
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.TryAddWithoutValidation("Accept", "text/html");

        using var response = await client.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_malformed_chunked_body_is_a_400_problem_not_a_500()
    {
        var errors = new ErrorLog();
        await using var server = await ServiceAsync(errors);
        // "zz" is no chunk size: Kestrel throws from the body stream inside the handler.
        string answer = await RawHttp.SendAsync(server.BaseAddress,
            "PUT /reads HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400", answer);
        Assert.Contains("application/problem+json", answer);
        Assert.DoesNotContain("Exception", answer);
        Assert.Empty(errors.Exceptions); // the client's mistake, not an error of the service
    }

    /// <summary>The exceptions logged at Error or above.</summary>
    private sealed class ErrorLog : ILoggerProvider, ILogger
    {
        private readonly List<Exception> _exceptions = [];

        public IReadOnlyList<Exception> Exceptions
        {
            get { lock (_exceptions) return [.. _exceptions]; }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error && exception is not null) lock (_exceptions) _exceptions.Add(exception);
        }

        public void Dispose()
        {
        }
    }
}
