using Microsoft.AspNetCore.Routing;
using Sequin.Hosting.AspNetCore.Api;
using Sequin.Hosting.AspNetCore.Security;

// Entry point in the ASP.NET Core builder namespace, so that `app.MapSequin()` needs no extra using.
namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Sequin's HTTP endpoints on an application's own <c>WebApplication</c> (embedding: one call).</summary>
public static class SequinEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the management API under <c>/api</c> and its OpenAPI description at <c>/openapi/v1.json</c> (health and
    /// metrics endpoints join here), every one behind the bearer token and cross-site checks of
    /// <see cref="Sequin.Hosting.AspNetCore.SequinHttpOptions"/>. Needs <c>services.AddSequinHttp()</c>.
    /// </summary>
    /// <param name="endpoints">The application (or a route group, to put everything under a prefix).</param>
    /// <returns>The group holding every Sequin endpoint, for further conventions.</returns>
    public static IEndpointConventionBuilder MapSequin(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(string.Empty);

        // Every endpoint of the group, whatever maps it (minimal API handlers, health checks, a scrape endpoint), runs
        // behind the guard: it wraps each endpoint's final request delegate.
        ((IEndpointConventionBuilder)group).Finally(SequinRequestGuard.Apply);

        // No endpoint reads more than RequestBodyLimit.DefaultMaxBytes of body: a larger one is answered 413 unread.
        group.WithMetadata(new RequestBodyLimit(RequestBodyLimit.DefaultMaxBytes));

        // Each part maps its own endpoints: the management API (Api/), health (Health/), metrics (Metrics/).
        SequinApiEndpoints.Map(group);
        Sequin.Hosting.AspNetCore.Health.SequinHealthEndpoints.Map(group);
        Sequin.Hosting.AspNetCore.Metrics.SequinMetricsEndpoints.Map(group);
        return group;
    }
}
