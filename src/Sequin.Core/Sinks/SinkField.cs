namespace Sequin.Sinks;

/// <summary>
/// Describes one field of a sink's <c>destination:</c> section, rich enough to generate docs, CLI help and forms
/// without sink-specific code.
/// </summary>
/// <param name="Name">The YAML key, snake_case, e.g. <c>topic</c>.</param>
/// <param name="Type">The value type.</param>
/// <param name="Description">A one-line description.</param>
public sealed record SinkField(string Name, SinkFieldType Type, string Description)
{
    /// <summary>Whether the field must be given (in every routing mode).</summary>
    public bool Required { get; init; }

    /// <summary>Whether the value is a secret: never logged, and masked on export.</summary>
    public bool Secret { get; init; }

    /// <summary>
    /// Whether a routing function decides this field in dynamic mode. A routable field is required in static mode
    /// and cleared in dynamic mode.
    /// </summary>
    public bool Routable { get; init; }

    /// <summary>The default value as text, or null when there is none.</summary>
    public string? DefaultValue { get; init; }

    /// <summary>For <see cref="SinkFieldType.Enum"/>, the accepted values.</summary>
    public IReadOnlyList<string>? AllowedValues { get; init; }

    /// <summary>For integers, the smallest accepted value.</summary>
    public long? Minimum { get; init; }

    /// <summary>For integers, the largest accepted value.</summary>
    public long? Maximum { get; init; }

    /// <summary>For strings, the longest accepted length.</summary>
    public int? MaxLength { get; init; }
}
