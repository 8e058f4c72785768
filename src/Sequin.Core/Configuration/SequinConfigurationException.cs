using Sequin.Sinks;

namespace Sequin.Configuration;

/// <summary>
/// The configuration is invalid or could not be read (YAML syntax errors with line and column, missing variables,
/// validation errors); <see cref="Errors"/> lists every problem with its key path.
/// </summary>
public sealed class SequinConfigurationException : Exception
{
    /// <summary>Creates the exception from every error found.</summary>
    public SequinConfigurationException(IReadOnlyList<ConfigError> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception with no errors.</summary>
    public SequinConfigurationException()
        : this([])
    {
    }

    /// <summary>Creates the exception with one error without a key path.</summary>
    public SequinConfigurationException(string message)
        : this([new ConfigError(string.Empty, message)])
    {
    }

    /// <summary>Creates the exception with one error without a key path, and its cause.</summary>
    public SequinConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [new ConfigError(string.Empty, message)];
    }

    /// <summary>Every problem found, each with its key path (or the file name for syntax errors).</summary>
    public IReadOnlyList<ConfigError> Errors { get; }
}
