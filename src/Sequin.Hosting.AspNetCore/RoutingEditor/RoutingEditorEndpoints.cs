using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Sequin.Hosting.AspNetCore.SinkForms;

namespace Sequin.Hosting.AspNetCore.RoutingEditor;

/// <summary><c>POST /api/routing/run</c>: the routing editor's "run on a sample message".</summary>
internal static class RoutingEditorEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/routing/run", RunAsync)
            .WithName("RunRoutingFunction").WithSummary("Runs a routing function on a sample message: the route, group id and payload, or the error with line and column.");

    private static async Task<Results<Ok<RoutingRunView>, ProblemHttpResult>> RunAsync(RoutingRunRequest request, SequinServices sequin, CancellationToken cancellationToken)
    {
        var run = await RoutingRunner.RunAsync(request, SinkFormEndpoints.Catalog(sequin), sequin.Config, cancellationToken).ConfigureAwait(false);
        return run.Outcome == RoutingRunner.Refused
            ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Table not sampled", detail: run.Error)
            : TypedResults.Ok(run);
    }
}
