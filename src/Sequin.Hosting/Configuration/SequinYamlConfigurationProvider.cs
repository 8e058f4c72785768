using Microsoft.Extensions.Configuration;
using Sequin.Sinks;

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
        var fileName = Path.GetFileName(_source.Path ?? "sequin.yaml");
        IDictionary<string, string?> data;
        if (_source.Errors is null)
        {
            data = SequinYamlParser.Parse(text, fileName, _source.GetEnvironmentVariable);
        }
        else
        {
            var errors = new List<ConfigError>();
            data = SequinYamlParser.Parse(text, fileName, _source.GetEnvironmentVariable, errors, _source.Variables);
            foreach (var error in errors)
            {
                _source.Errors.Add(error);
            }
        }

        Data = _source.SectionPath is { } section
            ? data.ToDictionary(kv => ConfigurationPath.Combine(section, kv.Key), kv => kv.Value, StringComparer.OrdinalIgnoreCase)
            : data;
    }
}
