namespace Sequin.Hosting.AspNetCore.RoutingEditor;

/// <summary>A routing function to try (<c>POST /api/routing/run</c>).</summary>
/// <param name="Type">The sink type it routes for, e.g. <c>kafka</c>.</param>
/// <param name="Code">The JavaScript: <c>function route(action, record, changes, metadata) { ... }</c>.</param>
/// <param name="Message">
/// The sample message as sinks receive it (<c>{record, changes, action, metadata}</c>) as JSON text; null or empty to use
/// the newest row of <paramref name="Table"/>, or, without a table, the synthetic message <c>sequin validate</c> uses.
/// </param>
/// <param name="Database">The configured database <paramref name="Table"/> is in; default: the first.</param>
/// <param name="Table">A table whose newest row (highest primary key) is the sample, as a <c>read</c> message.</param>
/// <param name="Sink">
/// A configured sink: the run uses its processing (filter, transform, routing functions and routing mode) with
/// <paramref name="Code"/> in place of its <paramref name="Function"/>; <paramref name="Type"/> is then the sink's type.
/// </param>
/// <param name="Function">With <paramref name="Sink"/>: which of its functions <paramref name="Code"/> replaces: <c>routing</c> (the default), <c>filter</c> or <c>transform</c>.</param>
internal sealed record RoutingRunRequest(string? Type, string? Code, string? Message, string? Database, string? Table, string? Sink = null, string? Function = null);

/// <summary>What the routing function did with the sample message.</summary>
/// <param name="Outcome"><c>routed</c>, <c>filtered</c>, <c>failed</c>, or <c>refused</c> (the sample table is not one a sink reads; the API answers 403).</param>
/// <param name="Route">The resolved route: each routable key with its value (null when unset).</param>
/// <param name="GroupId">The message's group id (its primary key values joined by <c>:</c>).</param>
/// <param name="Payload">The JSON the sink would receive.</param>
/// <param name="Error">Why it failed: a syntax or runtime error of the function, an invalid route, or a bad sample.</param>
/// <param name="Line">The error's 1-based line in the function, when known.</param>
/// <param name="Column">The error's column in that line (0-based, as the JavaScript engine reports it), when known.</param>
/// <param name="Sample">Where the sample came from: <c>message</c>, <c>table public.orders</c>, or <c>synthetic</c>.</param>
/// <param name="SampleJson">The sample message as JSON, to show and edit.</param>
internal sealed record RoutingRunView(
    string Outcome, IReadOnlyList<RouteValueView> Route, string? GroupId, string? Payload, string? Error, int? Line, int? Column, string Sample, string? SampleJson);

/// <summary>One key of a resolved route.</summary>
/// <param name="Key">The routable key.</param>
/// <param name="Value">Its value, or null when unset.</param>
internal sealed record RouteValueView(string Key, string? Value);
