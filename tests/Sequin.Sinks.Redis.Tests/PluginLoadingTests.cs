using Sequin.Hosting.Plugins;
using Sequin.Sinks;

namespace Sequin.Sinks.Redis.Tests;

/// <summary>
/// The plugin as the sequin host loads it: the sink's publish output in <c>plugins/Sequin.Sinks.Redis/</c> (the test
/// project publishes it there after each build), loaded by Sequin.Hosting's <see cref="PluginDirectory"/> in its own
/// load context with Sequin.Core shared. One assembly, three sink types.
/// </summary>
public sealed class PluginLoadingTests
{
    private static string PluginsFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    [Fact]
    public void HostLoadsThePublishedPluginsThreeTypesWithTheirSchemaAndRouting()
    {
        var result = PluginDirectory.Load(PluginsFolder);

        Assert.Empty(result.Failures);
        Assert.Equal(["redis", "redis_stream", "redis_string"], result.Plugins.Select(p => p.Plugin.TypeName).Order(StringComparer.Ordinal));
        Assert.All(result.Plugins, p => Assert.Equal(Path.Combine(PluginsFolder, "Sequin.Sinks.Redis", "Sequin.Sinks.Redis.dll"), p.AssemblyPath));
        var strings = result.Plugins.Single(p => p.Plugin.TypeName == "redis_string").Plugin;
        Assert.Contains(strings.Schema.Fields, f => f.Name == "password" && f.Secret);
        Assert.Equal(["key", "action", "expire_ms"], strings.Routing.Keys.Select(k => k.Name));
    }

    [Fact]
    public async Task LoadedPluginParsesAConfigAndItsConnectionTestFailsWithAReason()
    {
        var plugin = PluginDirectory.Load(PluginsFolder).Plugins.Single(p => p.Plugin.TypeName == "redis_stream").Plugin;
        var parsed = plugin.Schema.Parse(Some.Config(("host", "127.0.0.1"), ("port", "9"), ("timeout_ms", "1000")), RoutingMode.Dynamic, Some.Path);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));

        await using var client = plugin.CreateClient(parsed.Options, Some.Context(RoutingMode.Dynamic));
        // Port 9 (discard) is closed here: the check fails with the reason instead of throwing.
        var check = await client.TestCredentialsAsync(CancellationToken.None);

        Assert.False(check.Success);
        Assert.Contains("127.0.0.1:9", check.Message, StringComparison.Ordinal);
    }
}
