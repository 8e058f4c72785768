namespace Sequin.Hosting.AspNetCore.SinkForms;

/// <summary>A sink someone is about to add (the new-sink form, <c>POST /api/sink-types/{type}/validate</c>).</summary>
/// <param name="Name">The sink's name.</param>
/// <param name="Database">The database it reads from (a name under <c>databases:</c>).</param>
/// <param name="Tables">The tables it reads (<c>source.include_tables</c>); empty for every table of the publication.</param>
/// <param name="Routing"><c>static</c> (the destination fields decide the route) or <c>dynamic</c> (a routing function does).</param>
/// <param name="RoutingFunction">The routing function's JavaScript, for dynamic routing.</param>
/// <param name="Destination">The <c>destination:</c> values by key, as text; empty values count as not given.</param>
internal sealed record SinkProposal(
    string? Name,
    string? Database,
    IReadOnlyList<string>? Tables,
    string? Routing,
    string? RoutingFunction,
    IReadOnlyDictionary<string, string?>? Destination)
{
    /// <summary>Whether a routing function decides the route.</summary>
    public bool IsDynamic => string.Equals(Routing?.Trim(), "dynamic", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The outcome of validating a <see cref="SinkProposal"/>.</summary>
/// <param name="Valid">Whether <c>sequin validate</c> would accept it.</param>
/// <param name="Errors">Every mistake, each with the form field it belongs to.</param>
/// <param name="Yaml">When valid, the <c>sequin.yaml</c> block to add (secrets as <c>${VARIABLE}</c> references), else null.</param>
/// <param name="Variables">The environment variables the block's secrets reference, to set before the host starts.</param>
internal sealed record SinkProposalResult(bool Valid, IReadOnlyList<FieldErrorView> Errors, string? Yaml, IReadOnlyList<string> Variables);

/// <summary>One validation error.</summary>
/// <param name="Field">The form field: a <c>destination:</c> key, or <c>name</c>, <c>database</c>, <c>tables</c>, <c>routing_function</c>; empty for the whole sink.</param>
/// <param name="Path">The key path as <c>sequin validate</c> prints it, e.g. <c>sinks[0].destination.topic</c>.</param>
/// <param name="Message">What is wrong.</param>
internal sealed record FieldErrorView(string Field, string Path, string Message);
