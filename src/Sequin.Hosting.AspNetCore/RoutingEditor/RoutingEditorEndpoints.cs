using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sequin.Hosting.AspNetCore.SinkForms;

namespace Sequin.Hosting.AspNetCore.RoutingEditor;

/// <summary><c>POST /api/routing/run</c>: the routing editor's "run on a sample message".</summary>
internal static class RoutingEditorEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/routing/run", async (RoutingRunRequest request, SequinServices sequin, CancellationToken cancellationToken) =>
                TypedResults.Ok(await RoutingRunner.RunAsync(request, SinkFormEndpoints.Catalog(sequin), sequin.Config, cancellationToken).ConfigureAwait(false)))
            .WithName("RunRoutingFunction").WithSummary("Runs a routing function on a sample message: the route, group id and payload, or the error with line and column.");
}
