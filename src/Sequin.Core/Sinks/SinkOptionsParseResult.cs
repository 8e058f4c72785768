namespace Sequin.Sinks;

/// <summary>The outcome of parsing a <c>destination:</c> section: the options object, or the errors, or both.</summary>
public sealed class SinkOptionsParseResult
{
    /// <summary>Creates a result.</summary>
    public SinkOptionsParseResult(object options, IReadOnlyList<ConfigError> errors)
    {
        Options = options;
        Errors = errors;
    }

    /// <summary>The parsed options (of the plugin's options type). Only usable when <see cref="IsValid"/>.</summary>
    public object Options { get; }

    /// <summary>Every mistake found, each with its key path. Empty when valid.</summary>
    public IReadOnlyList<ConfigError> Errors { get; }

    /// <summary>Whether no error was found.</summary>
    public bool IsValid => Errors.Count == 0;
}
