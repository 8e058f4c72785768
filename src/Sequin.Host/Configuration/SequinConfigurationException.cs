using Sequin.Sinks;

namespace Sequin.Host.Configuration;

/// <summary>The configuration file could not be read: YAML syntax errors (with line and column) or missing variables.</summary>
internal sealed class SequinConfigurationException : Exception
{
    public SequinConfigurationException(IReadOnlyList<ConfigError> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public SequinConfigurationException()
        : this([])
    {
    }

    public SequinConfigurationException(string message)
        : this([new ConfigError(string.Empty, message)])
    {
    }

    public SequinConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [new ConfigError(string.Empty, message)];
    }

    /// <summary>Every problem found, each with its key path (or the file name for syntax errors).</summary>
    public IReadOnlyList<ConfigError> Errors { get; }
}
