using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sequin.Configuration;
using Sequin.Hosting.AspNetCore.Api;

namespace Sequin.Hosting.AspNetCore.SinkForms;

/// <summary>
/// <c>/api/sink-types</c>: the loaded sink plugins with their schema metadata, and the checks behind the console's
/// new-sink form (validate a proposed sink, test its connection).
/// </summary>
internal static class SinkFormEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/sink-types", (SequinServices sequin) => TypedResults.Ok(SinkTypeViews.List(Catalog(sequin))))
            .WithName("ListSinkTypes").WithSummary("The loaded sink plugins: each one's fields, routable keys and default routing function.");
        var type = api.MapGroup("/sink-types/{type}");
        type.MapGet(string.Empty, Get)
            .WithName("GetSinkType").WithSummary("One sink type: its fields, routable keys and default routing function.");
        type.MapPost("/validate", Validate)
            .WithName("ValidateSinkProposal").WithSummary("Validates a proposed sink as sequin validate would; on success returns the sequin.yaml block to add.");
        type.MapPost("/test-connection", TestConnectionAsync)
            .WithName("TestSinkProposalConnection").WithSummary("Tests a proposed sink's destination: the resource with static routing, the credentials with dynamic routing.");
    }

    /// <summary>The plugins of the Sequin container; empty when none is registered.</summary>
    public static ISinkPluginCatalog Catalog(SequinServices sequin) =>
        sequin.Provider.GetService<ISinkPluginCatalog>() ?? new SinkPluginCatalog([]);

    private static Results<Ok<SinkTypeView>, ProblemHttpResult> Get(string type, SequinServices sequin) =>
        SinkTypeViews.Find(Catalog(sequin), type) is { } view ? TypedResults.Ok(view) : UnknownType(type, sequin);

    private static Results<Ok<SinkProposalResult>, ProblemHttpResult> Validate(string type, SinkProposal proposal, SequinServices sequin)
    {
        var catalog = Catalog(sequin);
        if (!catalog.TryGetPlugin(type, out var plugin))
        {
            return UnknownType(type, sequin);
        }

        return TypedResults.Ok(SinkProposalValidator.Validate(plugin, proposal, catalog, sequin.Config).Result);
    }

    private static async Task<Results<Ok<ConnectionTestView>, BadRequest<SinkProposalResult>, ProblemHttpResult>> TestConnectionAsync(
        string type, SinkProposal proposal, SequinServices sequin, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var catalog = Catalog(sequin);
        if (!catalog.TryGetPlugin(type, out var plugin))
        {
            return UnknownType(type, sequin);
        }

        var (result, sink) = SinkProposalValidator.Validate(plugin, proposal, catalog, sequin.Config);
        if (sink is null)
        {
            return TypedResults.BadRequest(result);
        }

        var (view, refused) = await SinkProposalConnection.TestAsync(sink, proposal, sequin, loggerFactory, cancellationToken).ConfigureAwait(false);
        return view is not null
            ? TypedResults.Ok(view)
            : TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Destination address refused", detail: refused);
    }

    private static ProblemHttpResult UnknownType(string type, SequinServices sequin) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such sink type", detail: $"Unknown sink type '{type}'. {SinkReader.KnownTypes(Catalog(sequin))}");
}
