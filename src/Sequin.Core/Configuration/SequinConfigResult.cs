using Sequin.Sinks;

namespace Sequin.Configuration;

/// <summary>The outcome of <see cref="SequinConfigLoader.Load(Microsoft.Extensions.Configuration.IConfiguration, ISinkPluginCatalog, string?)"/>.</summary>
/// <param name="Config">The validated configuration, or null when there are errors.</param>
/// <param name="Errors">Every mistake found, each with its key path (<c>sinks[1].destination.topic</c>). Empty when valid.</param>
public sealed record SequinConfigResult(SequinConfig? Config, IReadOnlyList<ConfigError> Errors)
{
    /// <summary>Whether the configuration is valid (<see cref="Config"/> is set).</summary>
    public bool IsValid => Config is not null && Errors.Count == 0;

    /// <summary>
    /// Keys that were accepted but are ignored here (keys of the original Sequin this project has no use for, such as
    /// <c>account</c>), each with its key path and what to do. They never stop loading.
    /// </summary>
    public IReadOnlyList<ConfigError> Warnings { get; init; } = [];
}
