namespace Sequin.Functions;

/// <summary>A user function as configured in <c>sequin.yaml</c> (<c>functions:</c>): its name, kind and JavaScript source.</summary>
/// <param name="Name">The function's name; errors name it.</param>
/// <param name="Kind">Routing, filter or transform; decides the entry point (<c>route</c>, <c>filter</c>, <c>transform</c>).</param>
/// <param name="Code">The JavaScript source, at most <see cref="FunctionLimits.MaxSourceBytes"/> bytes of UTF-8.</param>
internal sealed record FunctionDefinition(string Name, FunctionKind Kind, string Code)
{
    /// <summary>For a routing function, the sink type it routes for (<c>kafka</c>, <c>typesense</c>, <c>sns</c>, ...); otherwise null.</summary>
    public string? SinkType { get; init; }

    /// <summary>The name of the JavaScript function the code must declare: <c>route</c>, <c>filter</c> or <c>transform</c>.</summary>
    public string EntryPoint => EntryPointOf(Kind);

    /// <summary>The entry point of a kind of function: <c>route</c>, <c>filter</c> or <c>transform</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The kind is not defined.</exception>
    public static string EntryPointOf(FunctionKind kind) => kind switch
    {
        FunctionKind.Routing => "route",
        FunctionKind.Filter => "filter",
        FunctionKind.Transform => "transform",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown function kind."),
    };

    /// <summary>How the kind is named in errors: <c>Routing</c>, <c>Filter</c> or <c>Transform</c>.</summary>
    internal string KindLabel => Kind switch
    {
        FunctionKind.Routing => "Routing",
        FunctionKind.Filter => "Filter",
        _ => "Transform",
    };
}
