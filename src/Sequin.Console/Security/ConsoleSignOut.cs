using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace Sequin.WebConsole.Security;

/// <summary>
/// <c>POST /console/logout</c>, the layout's "Sign out" button: clears the login cookie and goes to the login page. A
/// form post with the antiforgery token (checked by <c>UseAntiforgery</c>), behind the console's guard.
/// </summary>
internal static class ConsoleSignOut
{
    public static IResult Handle(HttpContext context)
    {
        if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: "The sign-out form's antiforgery token is missing or invalid: sign out from the console's page.");
        }

        ConsoleSession.SignOut(context);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Redirect(ConsolePaths.Login, permanent: false, preserveMethod: false);
    }
}
