using Microsoft.Extensions.Configuration;

namespace Sequin.Sinks;

/// <summary>
/// A sink's configuration: its fields with their metadata, and parsing, validation and export of the
/// <c>destination:</c> section. A <see cref="Sink{TOptions}"/> derives it from its options class.
/// </summary>
public interface ISinkSchema
{
    /// <summary>The type of the options object <see cref="Parse"/> returns.</summary>
    Type OptionsType { get; }

    /// <summary>The fields of the <c>destination:</c> section, in documentation order.</summary>
    IReadOnlyList<SinkField> Fields { get; }

    /// <summary>
    /// Parses and validates a <c>destination:</c> section. Reports every mistake at once, each with its key path
    /// under <paramref name="path"/>. In dynamic mode routable fields are cleared; in static mode they are required.
    /// </summary>
    /// <param name="destination">The section; its <c>type</c> key is ignored here.</param>
    /// <param name="mode">The sink's routing mode.</param>
    /// <param name="path">The section's own path for error messages, e.g. <c>sinks[0].destination</c>.</param>
    SinkOptionsParseResult Parse(IConfiguration destination, RoutingMode mode, string path);

    /// <summary>Exports options back to <c>destination:</c> keys and text values, secrets masked, nulls left out.</summary>
    IReadOnlyList<KeyValuePair<string, string>> Export(object options);
}
