using Microsoft.Extensions.Configuration;

namespace Sequin.Host.Configuration;

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
        Data = SequinYamlParser.Parse(text, Path.GetFileName(_source.Path ?? "sequin.yaml"), _source.GetEnvironmentVariable);
    }
}
