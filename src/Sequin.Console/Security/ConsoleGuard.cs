using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sequin.Hosting.AspNetCore;
using Sequin.Hosting.AspNetCore.Security;

namespace Sequin.WebConsole.Security;

/// <summary>
/// The API's rules for a browser (docs/reference/security.md): the <c>Host</c> header must name this endpoint; with a token, a request needs the login
/// cookie (<see cref="ConsoleSession"/>) or the bearer header, and a page asked for without them redirects to the login
/// page; without a token, only loopback callers are answered; a POST from another site is refused. Antiforgery is
/// checked by Blazor on every form post, after this.
/// </summary>
internal static class ConsoleGuard
{
    /// <summary>Wraps <paramref name="endpoint"/>'s request delegate with the checks (a route group's <c>Finally</c> convention).</summary>
    public static void Apply(EndpointBuilder endpoint)
    {
        if (endpoint.RequestDelegate is not { } next)
        {
            return;
        }

        var isPublic = endpoint.Metadata.OfType<ConsolePublicAttribute>().Any();
        endpoint.RequestDelegate = context => Check(context, isPublic) is { } refusal ? refusal.ExecuteAsync(context) : next(context);
    }

    /// <summary>Null when the request may proceed; otherwise the redirect to the login page, or the 421, 401, 429 or 403 answer.</summary>
    internal static IResult? Check(HttpContext context, bool isPublic)
    {
        var request = context.Request;
        var options = context.RequestServices.GetRequiredService<IOptions<SequinHttpOptions>>().Value;
        var token = options.Token;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Sequin.Http");
        if (SequinRequestGuard.RefuseHost(context, options, logger) is { } misdirected)
        {
            return misdirected;
        }

        if (SequinRequestGuard.RefuseLargeBody(context) is { } tooLarge)
        {
            return tooLarge;
        }

        if (token is { Length: > 0 })
        {
            if (!isPublic && !ConsoleSession.IsSignedIn(request, token))
            {
                if (SequinRequestGuard.Presented(request) is not null)
                {
                    // A bearer header: right, or counted as a failed attempt (429 after too many).
                    if (SequinRequestGuard.CheckBearer(context, token, logger) is { } refusal)
                    {
                        return refusal;
                    }
                }
                else
                {
                    SecurityLog.Unauthorized(logger, request.Method, request.Path.ToString());
                    return HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
                        ? Results.Redirect(ConsolePaths.Login + "?returnUrl=" + Uri.EscapeDataString(request.Path + request.QueryString))
                        : Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "Sign in to the console first.");
                }
            }
        }
        else if (context.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
        {
            SecurityLog.Unauthorized(logger, request.Method, request.Path.ToString());
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "No token is configured (http.token or SEQUIN_HTTP_TOKEN): only browsers on this machine are answered.");
        }

        if (SequinRequestGuard.IsStateChanging(request.Method) && CrossSite.Reason(request) is { } reason)
        {
            SecurityLog.CrossSiteRefused(logger, request.Method, request.Path.ToString(), reason);
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Cross-site request refused", detail: reason);
        }

        return null;
    }
}
