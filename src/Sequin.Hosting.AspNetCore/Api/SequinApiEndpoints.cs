using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sequin.Hosting.AspNetCore.Api;

/// <summary>The management API under <c>/api</c> (docs/reference/http-api.md) and its OpenAPI description.</summary>
internal static class SequinApiEndpoints
{
    /// <summary>The OpenAPI document name: served at <c>/openapi/v1.json</c>.</summary>
    public const string DocumentName = "v1";

    public static void AddServices(IServiceCollection services)
    {
        services.AddOpenApi(DocumentName);
        services.AddProblemDetails();
        services.TryAddSingleton(sp => new DeliveryRates(sp.GetRequiredService<SequinServices>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, SequinApiJsonContext.Default));
    }

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        // Sampling starts now, not at the first page or API call: rates show from the first seconds.
        _ = endpoints.ServiceProvider.GetRequiredService<DeliveryRates>();
        endpoints.MapOpenApi();
        var api = endpoints.MapGroup("/api").WithTags("Sequin");
        api.MapGet("/databases", async (SequinServices sequin, CancellationToken cancellationToken) => TypedResults.Ok(await DatabaseViews.ListAsync(sequin, cancellationToken).ConfigureAwait(false)))
            .WithName("ListDatabases").WithSummary("The configured databases: status, slot with its lag in bytes, publication, sinks.");
        api.MapGet("/sinks", (SequinServices sequin) => TypedResults.Ok(SinkViews.Sinks(sequin)))
            .WithName("ListSinks").WithSummary("Every configured sink with its status and figures.");

        var sink = api.MapGroup("/sinks/{name}");
        sink.MapGet(string.Empty, SinkHandlers.Get)
            .WithName("GetSink").WithSummary("One sink: status, figures, configuration (secrets masked) and recent errors.");
        sink.MapPost("/pause", SinkHandlers.Pause)
            .WithName("PauseSink").WithSummary("Pauses deliveries; held messages stay buffered and unacknowledged until resumed.");
        sink.MapPost("/resume", SinkHandlers.Resume)
            .WithName("ResumeSink").WithSummary("Resumes deliveries: held messages go out.");
        sink.MapPost("/test-connection", SinkHandlers.TestConnectionAsync)
            .WithName("TestSinkConnection").WithSummary("Checks the destination is reachable with the configured credentials.");

        sink.MapGet("/messages", MessageHandlers.ListAsync)
            .WithName("ListFailingMessages").WithSummary("The sink's failing (parked) messages: error, attempts, next retry.");
        sink.MapPost("/messages/{id:long}/retry", MessageHandlers.RetryAsync)
            .WithName("RetryMessage").WithSummary("Makes a failing message due now: the running sink tries it within seconds.");
        sink.MapPost("/messages/{id:long}/discard", MessageHandlers.DiscardAsync)
            .WithName("DiscardMessage").WithSummary("Discards a failing message (recorded in sequin_state.discarded_messages).");
        sink.MapGet("/messages/{id:long}", MessageHandlers.GetAsync)
            .WithName("GetFailingMessage").WithSummary("One failing message with its stored row values (record, changes).");
        sink.MapPost("/messages/retry", MessageHandlers.RetryAllAsync)
            .WithName("RetryAllMessages").WithSummary("Makes all the sink's failing messages (or one table's: ?table=schema.table) due now.");
        sink.MapPost("/messages/discard", MessageHandlers.DiscardAllAsync)
            .WithName("DiscardAllMessages").WithSummary("Discards all the sink's failing messages (or one table's: ?table=schema.table).");

        sink.MapGet("/backfills", BackfillHandlers.ListAsync)
            .WithName("ListBackfills").WithSummary("The sink's backfills, newest first, with their progress.");
        sink.MapPost("/backfills", BackfillHandlers.StartAsync)
            .WithName("StartBackfill").WithSummary("Starts a backfill of a table (full, or from a sort column value); the running host begins it within seconds.");
        sink.MapPost("/backfills/{id:guid}/cancel", BackfillHandlers.CancelAsync)
            .WithName("CancelBackfill").WithSummary("Cancels an active backfill; pages already read still deliver.");

        api.MapPost("/config/plan", ConfigHandlers.PlanAsync)
            .WithName("PlanConfig").WithSummary("Validates a whole sequin.yaml (the body) and shows how it differs from the running configuration; changes nothing.");
        api.MapPost("/config/apply", ConfigHandlers.ApplyAsync)
            .WithName("ApplyConfig").WithSummary("Applies a whole sequin.yaml (the body) to the running host: sinks added start, changed ones restart alone, removed ones stop; refused whole when invalid or when part of it needs a restart.");

        // The console's new-sink form and routing editor (SinkForms/, RoutingEditor/).
        SinkForms.SinkFormEndpoints.Map(api);
        RoutingEditor.RoutingEditorEndpoints.Map(api);
    }
}
