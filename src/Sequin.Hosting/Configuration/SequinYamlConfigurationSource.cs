using Microsoft.Extensions.Configuration;
using Sequin.Sinks;

namespace Sequin.Hosting.Configuration;

/// <summary>A <c>sequin.yaml</c> file as a configuration source (see <see cref="SequinYamlParser"/> for the key mapping).</summary>
internal sealed class SequinYamlConfigurationSource : FileConfigurationSource
{
    /// <summary>Looks up <c>${VAR}</c> references. Default: the process environment.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; set; } = Environment.GetEnvironmentVariable;

    /// <summary>
    /// Where errors of single values (a missing <c>${VAR}</c>) go, so that they are reported with the validation errors;
    /// null (the default): they throw when the file loads.
    /// </summary>
    public ICollection<ConfigError>? Errors { get; set; }

    /// <summary>Receives each <c>${VAR}</c> substituted and its value, so that errors can avoid quoting them; null for none.</summary>
    public IDictionary<string, string>? Variables { get; set; }

    /// <summary>The section the file's keys go under, or null for the root.</summary>
    public string? SectionPath { get; set; }

    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new SequinYamlConfigurationProvider(this);
    }
}
