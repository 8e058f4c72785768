using Microsoft.Extensions.Configuration;

namespace Sequin.Hosting.Configuration;

/// <summary>Loads a <c>sequin.yaml</c> into configuration keys.</summary>
internal sealed class SequinYamlConfigurationProvider : FileConfigurationProvider
{
    private readonly SequinYamlConfigurationSource _source;

    public SequinYamlConfigurationProvider(SequinYamlConfigurationSource source)
        : base(source)
    {
        _source = source;
    }

    public override void Load(Stream stream)
    {
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        var data = SequinYamlParser.Parse(text, Path.GetFileName(_source.Path ?? "sequin.yaml"), _source.GetEnvironmentVariable);
        Data = _source.SectionPath is { } section
            ? data.ToDictionary(kv => ConfigurationPath.Combine(section, kv.Key), kv => kv.Value, StringComparer.OrdinalIgnoreCase)
            : data;
    }
}
