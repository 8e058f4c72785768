using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Sequin.Hosting.AspNetCore.Security;

/// <summary>
/// Runs before every Sequin endpoint: the <c>Host</c> header (<see cref="HostCheck"/>), the bearer token (constant-time
/// comparison, failures counted by <see cref="FailedSignInThrottle"/>), loopback-only without a token, and cross-site
/// refusal of state-changing calls. Neither the token nor the presented value is ever logged or answered.
/// </summary>
internal static class SequinRequestGuard
{
    /// <summary>Wraps <paramref name="endpoint"/>'s request delegate with the checks (a route group's <c>Finally</c> convention).</summary>
    public static void Apply(EndpointBuilder endpoint)
    {
        if (endpoint.RequestDelegate is not { } next)
        {
            return;
        }

        endpoint.RequestDelegate = context => Check(context) is { } refusal ? refusal.ExecuteAsync(context) : next(context);
    }

    /// <summary>Null when the request may proceed; otherwise the 421, 401, 429 or 403 answer.</summary>
    internal static IResult? Check(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<SequinHttpOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Sequin.Http");
        if (RefuseHost(context, options, logger) is { } misdirected)
        {
            return misdirected;
        }

        if (RefuseLargeBody(context) is { } tooLarge)
        {
            return tooLarge;
        }

        if (options.Token is { Length: > 0 } token)
        {
            if (CheckBearer(context, token, logger) is { } refusal)
            {
                return refusal;
            }
        }
        else if (context.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
        {
            SecurityLog.Unauthorized(logger, context.Request.Method, context.Request.Path.ToString());
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "No token is configured (http.token or SEQUIN_HTTP_TOKEN): only requests from this machine are answered.");
        }

        if (IsStateChanging(context.Request.Method) && CrossSite.Reason(context.Request) is { } reason)
        {
            SecurityLog.CrossSiteRefused(logger, context.Request.Method, context.Request.Path.ToString(), reason);
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Cross-site request refused", detail: reason);
        }

        return null;
    }

    /// <summary>The 421 answer when the <c>Host</c> header does not name this endpoint (DNS rebinding), else null.</summary>
    internal static IResult? RefuseHost(HttpContext context, SequinHttpOptions options, ILogger logger)
    {
        if (HostCheck.Reason(context.Request, options) is not { } reason)
        {
            return null;
        }

        SecurityLog.HostRefused(logger, context.Request.Method, context.Request.Path.ToString(), context.Request.Host.Value ?? string.Empty);
        return Results.Problem(statusCode: StatusCodes.Status421MisdirectedRequest, title: "Host not served here", detail: reason);
    }

    /// <summary>
    /// The 413 answer when the request announces a body over the endpoint's limit (<see cref="RequestBodyLimit"/>), else
    /// null. A body without a length is cut by the server at the same limit as it is read.
    /// </summary>
    internal static IResult? RefuseLargeBody(HttpContext context)
    {
        var limit = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        return context.Request.ContentLength is { } length && limit is { } max && length > max
            ? Results.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Request body too large",
                detail: string.Create(System.Globalization.CultureInfo.InvariantCulture, $"This endpoint reads at most {max} bytes of request body."))
            : null;
    }

    /// <summary>
    /// Null when the request carries the bearer token; otherwise the 401 answer (a wrong token is counted and logged,
    /// never echoed) or, after too many wrong tokens from the client, 429 without comparing.
    /// </summary>
    internal static IResult? CheckBearer(HttpContext context, string token, ILogger logger, bool orSignedIn = false)
    {
        var request = context.Request;
        var presented = Presented(request);
        if (presented is null)
        {
            if (orSignedIn)
            {
                return null; // the console's cookie check decides
            }

            SecurityLog.Unauthorized(logger, request.Method, request.Path.ToString());
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "Send the configured token as 'Authorization: Bearer <token>'.");
        }

        var throttle = context.RequestServices.GetRequiredService<FailedSignInThrottle>();
        var client = context.Connection.RemoteIpAddress;
        if (throttle.RetryAfter(client) is { } wait)
        {
            return TooManyAttempts(context, logger, "bearer token", wait);
        }

        if (TokenMatches(presented, token))
        {
            return null;
        }

        var failures = throttle.RecordFailure(client);
        SecurityLog.SignInFailed(logger, "bearer token", client?.ToString() ?? "(unknown)", request.Path.ToString(), failures);
        context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "The bearer token is not this endpoint's.");
    }

    /// <summary>The 429 answer for a client past the failed-attempt limit, with <c>Retry-After</c>.</summary>
    internal static IResult TooManyAttempts(HttpContext context, ILogger logger, string kind, TimeSpan wait)
    {
        var seconds = FailedSignInThrottle.RetryAfterHeader(wait);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var client = context.Connection.RemoteIpAddress?.ToString() ?? "(unknown)";
            var path = context.Request.Path.ToString();
            SecurityLog.SignInThrottled(logger, kind, client, path, seconds);
        }

        context.Response.Headers.RetryAfter = seconds;
        return Results.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many failed attempts",
            detail: $"Too many wrong tokens from this address: try again in {seconds} s.");
    }

    internal static bool IsStateChanging(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    /// <summary>Whether the request carries <c>Authorization: Bearer &lt;token&gt;</c>, compared in constant time.</summary>
    internal static bool HasToken(HttpRequest request, string token) => Presented(request) is { } presented && TokenMatches(presented, token);

    /// <summary>The value of an <c>Authorization: Bearer</c> header, or null when there is none.</summary>
    internal static string? Presented(HttpRequest request)
    {
        const string Scheme = "Bearer ";
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : null;
    }

    /// <summary>Whether <paramref name="presented"/> is <paramref name="token"/>, compared in constant time.</summary>
    internal static bool TokenMatches(string presented, string token)
    {
        // Both sides hashed first: equal lengths, so the comparison time tells nothing about the token's length either.
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
