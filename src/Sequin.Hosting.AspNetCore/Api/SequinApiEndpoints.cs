using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Sequin.Hosting.AspNetCore.Api;

/// <summary>The management API under <c>/api</c> (docs/reference/http-api.md) and its OpenAPI description.</summary>
internal static class SequinApiEndpoints
{
    /// <summary>The OpenAPI document name: served at <c>/openapi/v1.json</c>.</summary>
    public const string DocumentName = "v1";

    public static void AddServices(IServiceCollection services)
    {
        services.AddOpenApi(DocumentName);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, SequinApiJsonContext.Default));
    }

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi();
        var api = endpoints.MapGroup("/api").WithTags("Sequin");
        api.MapGet("/databases", (SequinServices sequin) => TypedResults.Ok(SinkViews.Databases(sequin)))
            .WithName("ListDatabases").WithSummary("The configured databases with their sinks.");
        api.MapGet("/sinks", (SequinServices sequin) => TypedResults.Ok(SinkViews.Sinks(sequin)))
            .WithName("ListSinks").WithSummary("Every configured sink with its status and figures.");
    }
}
