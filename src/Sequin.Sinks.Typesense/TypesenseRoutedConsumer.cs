using Sequin.Messages;

namespace Sequin.Sinks.Typesense;

/// <summary>
/// The routing of the Typesense sink. Keys: <c>action</c> (required, <c>index</c> or <c>delete</c>) and
/// <c>collection_name</c> (required, 1 to 1024 characters). Default route: insert, update and read ⇒ <c>index</c>,
/// delete ⇒ <c>delete</c>; collection <c>sequin.&lt;schema&gt;.&lt;table&gt;</c>. Static routing sets the collection from
/// <c>collection_name</c>.
/// </summary>
public sealed class TypesenseRoutedConsumer : RoutedConsumer<TypesenseSinkOptions>
{
    /// <summary>The <c>action</c> route key.</summary>
    public const string ActionKey = "action";

    /// <summary>The <c>collection_name</c> route key.</summary>
    public const string CollectionNameKey = "collection_name";

    /// <summary>The <c>action</c> value that writes the document (import or single-document index).</summary>
    public const string IndexAction = "index";

    /// <summary>The <c>action</c> value that deletes the document by id.</summary>
    public const string DeleteAction = "delete";

    private static readonly RoutableKey[] RouteKeys =
    [
        new(ActionKey, "What to do with the document: index or delete.")
        {
            Required = true,
            AllowedValues = [IndexAction, DeleteAction],
        },
        new(CollectionNameKey, "The collection the document goes to.")
        {
            Required = true,
            MinLength = 1,
            MaxLength = TypesenseSinkSchema.MaxCollectionNameLength,
        },
    ];

    /// <inheritdoc />
    public override IReadOnlyList<RoutableKey> Keys => RouteKeys;

    /// <inheritdoc />
    public override string DefaultRoutingFunction => """
        // Routing function for a Typesense sink (ES5 JavaScript).
        // Return { action: "index" | "delete", collection_name: "<collection>" }.
        function route(action, record, changes, metadata) {
          var typesenseAction = action === "delete" ? "delete" : "index";
          return {
            action: typesenseAction,
            collection_name: "sequin." + metadata.table_schema + "." + metadata.table_name
          };
        }
        """;

    /// <inheritdoc />
    public override void ApplyDefaultRoute(ChangeMessage message, Route route)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(route);
        route[ActionKey] = message.Action == ChangeAction.Delete ? DeleteAction : IndexAction;
        route[CollectionNameKey] = "sequin." + message.Relation.Schema + "." + message.Relation.Table;
    }

    /// <inheritdoc />
    protected override void ApplyStaticRoute(TypesenseSinkOptions options, Route route)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(route);
        if (options.CollectionName is { } collection)
        {
            route[CollectionNameKey] = collection;
        }
    }
}
