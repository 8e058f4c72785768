using Sequin.Hosting.Plugins;

namespace Sequin.Sinks.Nats.Tests;

/// <summary>The plugin as the sequin host loads it: the publish output in <c>plugins/Sequin.Sinks.Nats/</c>, Sequin.Core shared.</summary>
public sealed class PluginLoadingTests
{
    private static string PluginsFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    [Fact]
    public void HostLoadsThePublishedPluginWithItsSchemaAndRouting()
    {
        var result = PluginDirectory.Load(PluginsFolder);

        Assert.Empty(result.Failures);
        var loaded = Assert.Single(result.Plugins);
        Assert.Equal("nats", loaded.Plugin.TypeName);
        Assert.Equal(Path.Combine(PluginsFolder, "Sequin.Sinks.Nats", "Sequin.Sinks.Nats.dll"), loaded.AssemblyPath);
        Assert.Contains(loaded.Plugin.Schema.Fields, f => f.Name == "password" && f.Secret);
        Assert.Equal(["subject", "headers"], loaded.Plugin.Routing.Keys.Select(k => k.Name));
    }
}
