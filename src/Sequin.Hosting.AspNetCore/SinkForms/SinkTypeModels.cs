namespace Sequin.Hosting.AspNetCore.SinkForms;

/// <summary>A loaded sink plugin as the console's forms need it (<c>GET /api/sink-types</c>): everything from its metadata.</summary>
/// <param name="Type">The <c>destination.type</c> name, e.g. <c>kafka</c>.</param>
/// <param name="Description">The plugin's one-line description.</param>
/// <param name="Fields">The <c>destination:</c> keys, in documentation order.</param>
/// <param name="RoutableKeys">The keys a route of this sink has (what a routing function may return).</param>
/// <param name="DefaultRoutingFunction">The routing function users start from.</param>
internal sealed record SinkTypeView(string Type, string Description, IReadOnlyList<SinkFieldView> Fields, IReadOnlyList<RoutableKeyView> RoutableKeys, string DefaultRoutingFunction);

/// <summary>One <c>destination:</c> key of a sink type (<see cref="Sequin.Sinks.SinkField"/>).</summary>
/// <param name="Name">The YAML key.</param>
/// <param name="Type"><c>text</c>, <c>whole_number</c>, <c>boolean</c>, <c>enum</c> or <c>url</c>.</param>
/// <param name="Description">What it does.</param>
/// <param name="Required">Whether it must be given in every routing mode.</param>
/// <param name="Secret">Whether it is a secret (never echoed back).</param>
/// <param name="Routable">Whether a routing function decides it in dynamic mode (required in static mode, cleared in dynamic mode).</param>
/// <param name="Default">Its default as text, or null.</param>
/// <param name="AllowedValues">For an enum, its values.</param>
/// <param name="Minimum">For a whole number, the smallest value.</param>
/// <param name="Maximum">For a whole number, the largest value.</param>
/// <param name="MaxLength">For text, the longest value.</param>
internal sealed record SinkFieldView(
    string Name, string Type, string Description, bool Required, bool Secret, bool Routable, string? Default,
    IReadOnlyList<string>? AllowedValues, long? Minimum, long? Maximum, int? MaxLength);

/// <summary>One routable key of a sink type (<see cref="Sequin.Sinks.RoutableKey"/>).</summary>
/// <param name="Name">The key a routing function returns.</param>
/// <param name="Description">What it decides.</param>
/// <param name="Required">Whether the merged route needs a value.</param>
/// <param name="MaxLength">The longest value, or null.</param>
/// <param name="AllowedValues">The only values accepted, or null.</param>
/// <param name="Format">How its pattern is described (e.g. <c>an SNS topic ARN</c>), or null.</param>
internal sealed record RoutableKeyView(string Name, string Description, bool Required, int? MaxLength, IReadOnlyList<string>? AllowedValues, string? Format);
