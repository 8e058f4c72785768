using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sequin.WebConsole;
using Sequin.WebConsole.Components;
using Sequin.WebConsole.Security;

// Entry point in the ASP.NET Core builder namespace, so that `app.MapSequinConsole()` needs no extra using.
namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Sequin's web console on an application's own <c>WebApplication</c>.</summary>
public static class SequinConsoleEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the console's pages under <c>/console</c> and its style sheet, every one behind the same rules as the API
    /// (token, loopback, cross-site; a browser signs in once with the token on <c>/console/login</c>). Needs
    /// <c>services.AddSequinHttp()</c>, <c>services.AddSequinConsole()</c> and <c>app.UseAntiforgery()</c>.
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <returns>The group holding the console's endpoints, for further conventions.</returns>
    public static IEndpointConventionBuilder MapSequinConsole(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(string.Empty);
        ((IEndpointConventionBuilder)group).Finally(ConsoleGuard.Apply);
        group.WithMetadata(new Sequin.Hosting.AspNetCore.Security.RequestBodyLimit(Sequin.Hosting.AspNetCore.Security.RequestBodyLimit.DefaultMaxBytes));
        group.MapRazorComponents<ConsoleApp>();
        group.MapGet(ConsolePaths.StyleSheet, ConsoleStyleSheet.Result).ExcludeFromDescription();
        group.MapGet(ConsolePaths.Script, ConsoleStyleSheet.Script).ExcludeFromDescription();
        group.MapGet(ConsolePaths.Live, ConsoleLive.StreamAsync).ExcludeFromDescription();
        group.MapPost(ConsolePaths.Logout, ConsoleSignOut.Handle).WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();
        return group;
    }
}
