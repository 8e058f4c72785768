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
/// Runs before every Sequin endpoint: the bearer token (constant-time comparison), loopback-only without a token, and
/// cross-site refusal of state-changing calls. Neither the token nor the presented value is ever logged or answered.
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

    /// <summary>Null when the request may proceed; otherwise the 401 or 403 answer.</summary>
    internal static IResult? Check(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<SequinHttpOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Sequin.Http");
        if (options.Token is { Length: > 0 } token)
        {
            if (!HasToken(context.Request, token))
            {
                SecurityLog.Unauthorized(logger, context.Request.Method, context.Request.Path.ToString());
                context.Response.Headers.WWWAuthenticate = "Bearer";
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "Send the configured token as 'Authorization: Bearer <token>'.");
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

    internal static bool IsStateChanging(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    /// <summary>Whether the request carries <c>Authorization: Bearer &lt;token&gt;</c>, compared in constant time.</summary>
    internal static bool HasToken(HttpRequest request, string token)
    {
        const string Scheme = "Bearer ";
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return TokenMatches(header[Scheme.Length..].Trim(), token);
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
