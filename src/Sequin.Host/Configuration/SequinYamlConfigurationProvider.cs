using Microsoft.Extensions.Configuration;
using Sequin.Sinks;

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
        var fileName = Path.GetFileName(_source.Path ?? "sequin.yaml");
        if (_source.Errors is null)
        {
            Data = SequinYamlParser.Parse(text, fileName, _source.GetEnvironmentVariable);
            return;
        }

        var errors = new List<ConfigError>();
        Data = SequinYamlParser.Parse(text, fileName, _source.GetEnvironmentVariable, errors, _source.Variables);
        foreach (var error in errors)
        {
            _source.Errors.Add(error);
        }
    }
}
