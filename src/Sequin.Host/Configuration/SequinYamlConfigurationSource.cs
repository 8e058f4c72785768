using Microsoft.Extensions.Configuration;

namespace Sequin.Host.Configuration;

/// <summary>A <c>sequin.yaml</c> file as a configuration source (see <see cref="SequinYamlParser"/> for the key mapping).</summary>
internal sealed class SequinYamlConfigurationSource : FileConfigurationSource
{
    /// <summary>Looks up <c>${VAR}</c> references. Default: the process environment.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; set; } = Environment.GetEnvironmentVariable;

    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new SequinYamlConfigurationProvider(this);
    }
}
