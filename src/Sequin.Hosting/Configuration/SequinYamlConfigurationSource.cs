using Microsoft.Extensions.Configuration;

namespace Sequin.Hosting.Configuration;

/// <summary>A <c>sequin.yaml</c> file as a configuration source (see <see cref="SequinYamlParser"/> for the key mapping).</summary>
internal sealed class SequinYamlConfigurationSource : FileConfigurationSource
{
    /// <summary>Looks up <c>${VAR}</c> references. Default: the process environment.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; set; } = Environment.GetEnvironmentVariable;

    /// <summary>The section the file's keys go under, or null for the root.</summary>
    public string? SectionPath { get; set; }

    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new SequinYamlConfigurationProvider(this);
    }
}
