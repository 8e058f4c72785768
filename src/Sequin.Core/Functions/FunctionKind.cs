namespace Sequin.Functions;

/// <summary>What a JavaScript function is for; decides its entry point and what it must return.</summary>
public enum FunctionKind
{
    /// <summary>
    /// A routing function: <c>function route(action, record, changes, metadata)</c> returns an object of routable keys
    /// (strings or numbers) that is merged over the sink's default route. YAML: <c>type: routing</c>.
    /// </summary>
    Routing,

    /// <summary>
    /// A filter function: <c>function filter(action, record, changes, metadata)</c> returns exactly <c>true</c> (keep)
    /// or <c>false</c> (drop). YAML: <c>type: filter</c>.
    /// </summary>
    Filter,

    /// <summary>
    /// A transform function: <c>function transform(action, record, changes, metadata)</c> returns any JSON-serializable
    /// value, which becomes the payload the sink sends. YAML: <c>type: transform</c>.
    /// </summary>
    Transform,

    /// <summary>
    /// An enrichment function: a SQL query (not JavaScript) run once per batch against the sink's source database with
    /// the batch's primary-key values as <c>$1</c> (one array per key column); each row it returns becomes its message's
    /// <c>metadata.enrichment</c>. YAML: <c>type: enrichment</c>.
    /// </summary>
    Enrichment,
}
