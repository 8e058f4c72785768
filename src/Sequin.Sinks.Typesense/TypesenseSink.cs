using Sequin.Sinks;
using Sequin.Messages;
using Sequin.Sinks.Typesense;

[assembly: SequinSinkPlugin(typeof(TypesenseSink))]

namespace Sequin.Sinks.Typesense;

/// <summary>
/// The <c>typesense</c> sink: indexes documents (JSONL import) and deletes them by id. Routes carry an
/// <c>action</c> (index or delete, from the change by default) and a <c>collection_name</c>; batches share both.
/// </summary>
public sealed class TypesenseSink : Sink<TypesenseSinkOptions>
{
    /// <summary>The route key of what to do with the document.</summary>
    public const string ActionKey = "action";

    /// <summary>The route key of the collection.</summary>
    public const string CollectionNameKey = "collection_name";

    /// <summary>The <see cref="ActionKey"/> value that indexes the document.</summary>
    public const string IndexAction = "index";

    /// <summary>The <see cref="ActionKey"/> value that deletes the document.</summary>
    public const string DeleteAction = "delete";

    /// <summary>The longest accepted endpoint URL.</summary>
    public const int MaxEndpointUrlLength = 4096;

    /// <summary>The longest accepted collection name.</summary>
    public const int MaxCollectionNameLength = 1024;

    /// <summary>The most documents per import request.</summary>
    public const int MaxBatch = 10_000;

    private static readonly RoutableKey[] Keys =
    [
        new(ActionKey, "What to do with the document: index or delete.") { Required = true, AllowedValues = [IndexAction, DeleteAction] },
        new(CollectionNameKey, "The collection the document goes to.") { Required = true, MaxLength = MaxCollectionNameLength },
    ];

    /// <inheritdoc />
    public override string Description => "Index and delete documents in Typesense collections (import JSONL, delete by id).";

    /// <inheritdoc />
    public override IReadOnlyList<RoutableKey> RouteKeys => Keys;

    /// <inheritdoc />
    public override string DefaultRoutingFunction => """
        // Routing function for a Typesense sink.
        // Return { action: "index" | "delete", collection_name: "<collection>" }.
        function route(action, record, changes, metadata) {
          return {
            action: action === "delete" ? "delete" : "index",
            collection_name: `sequin.${metadata.table_schema}.${metadata.table_name}`,
          };
        }
        """;

    /// <summary>Documents per request: the destination's <c>batch_size</c> (default 40) unless the sink sets its own; at most 10,000.</summary>
    public override SinkLimits GetLimits(TypesenseSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new() { MaxBatchMessages = MaxBatch, DefaultBatchMessages = options.BatchSize, BatchBy = [ActionKey, CollectionNameKey] };
    }

    /// <summary>Deletes delete the document; inserts, updates and reads index it, in <c>sequin.&lt;schema&gt;.&lt;table&gt;</c>.</summary>
    public override void ApplyDefaultRoute(ChangeMessage message, Route route)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(route);
        route[ActionKey] = message.Action == ChangeAction.Delete ? DeleteAction : IndexAction;
        route[CollectionNameKey] = "sequin." + message.Relation.Schema + "." + message.Relation.Table;
    }

    /// <inheritdoc />
    public override ISinkDelivery CreateDelivery(TypesenseSinkOptions options, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new TypesenseDelivery(options, TypesenseSinkClient.Create(options, context), context.LoggerFactory);
    }

    /// <summary>The endpoint is an http(s) URL with a host and nothing after the path; the key and collection are not empty.</summary>
    protected override void Validate(TypesenseSinkOptions options, RoutingMode mode, Action<string, string> report)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        if (options.EndpointUrl.Length > 0 && ValidateEndpointUrl(options.EndpointUrl) is { } urlError)
        {
            report("endpoint_url", urlError);
        }

        if (options.ApiKey.Length == 0)
        {
            report("api_key", "Must not be empty.");
        }

        if (options.CollectionName is { Length: 0 })
        {
            report("collection_name", "Must not be empty.");
        }
    }

    /// <summary>Checks an <c>endpoint_url</c>: absolute http(s) with a host, no query, fragment or user info.</summary>
    /// <returns>Null when valid, otherwise the error.</returns>
    internal static string? ValidateEndpointUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return $"Must be an absolute URL (got '{value}').";
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return $"Must use http or https (got '{uri.Scheme}').";
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            return "Must include a host.";
        }

        if (value.Contains('?', StringComparison.Ordinal))
        {
            return "Must not include a query string.";
        }

        if (value.Contains('#', StringComparison.Ordinal))
        {
            return "Must not include a fragment.";
        }

        return string.IsNullOrEmpty(uri.UserInfo) ? null : "Must not include user info; put the key in api_key.";
    }
}
