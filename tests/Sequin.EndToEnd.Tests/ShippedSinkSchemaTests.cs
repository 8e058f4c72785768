using Sequin.EndToEnd.Tests.Support;
using Sequin.Hosting.Plugins;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// The sinks the host ships, as loaded from its plugins folder: each loads, and every default a field advertises
/// (shown by <c>sequin plugins</c> and the docs) is the value the options really start with.
/// </summary>
public sealed class ShippedSinkSchemaTests
{
    [Fact]
    public void EveryShippedSinkLoadsAndItsAdvertisedDefaultsAreItsRealDefaults()
    {
        var catalog = PluginDirectory.CreateCatalog(BuildPaths.Plugins, []);

        Assert.Empty(catalog.Failures);
        Assert.Equal(["kafka", "nats", "postgres", "rabbitmq", "redis", "redis_stream", "redis_string", "sns", "sqs", "stdout", "typesense", "webhook"], catalog.Plugins.Select(p => p.TypeName).Order(StringComparer.Ordinal));
        var mismatches = new List<string>();
        var compared = 0;
        foreach (var plugin in catalog.Plugins)
        {
            var exported = plugin.Schema.Export(Activator.CreateInstance(plugin.Schema.OptionsType)!)
                .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            foreach (var field in plugin.Schema.Fields.Where(f => f.DefaultValue is not null))
            {
                compared++;
                exported.TryGetValue(field.Name, out var actual);
                if (!string.Equals(actual, field.DefaultValue, StringComparison.OrdinalIgnoreCase))
                {
                    mismatches.Add($"{plugin.TypeName}.{field.Name}: advertised '{field.DefaultValue}', options start with '{actual ?? "(not set)"}'");
                }
            }
        }

        Assert.Empty(mismatches);
        Assert.True(compared >= 10, $"only {compared} advertised defaults were compared");
    }
}
