using Sequin.Hosting.Plugins;
using Sequin.Sinks;

namespace Sequin.Sinks.RabbitMq.Tests;

/// <summary>
/// The plugin as the sequin host loads it: the sink's publish output in <c>plugins/Sequin.Sinks.RabbitMq/</c> (the test
/// project publishes it there after each build), loaded by Sequin.Hosting's <see cref="PluginDirectory"/> in its own
/// load context with Sequin.Core shared.
/// </summary>
public sealed class PluginLoadingTests
{
    private static string PluginsFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    [Fact]
    public void HostLoadsThePublishedPluginWithItsSchemaAndRouting()
    {
        var result = PluginDirectory.Load(PluginsFolder);

        Assert.Empty(result.Failures);
        var loaded = Assert.Single(result.Plugins);
        Assert.Equal("rabbitmq", loaded.Plugin.TypeName);
        Assert.False(string.IsNullOrWhiteSpace(loaded.Plugin.Description));
        Assert.Equal(Path.Combine(PluginsFolder, "Sequin.Sinks.RabbitMq", "Sequin.Sinks.RabbitMq.dll"), loaded.AssemblyPath);
        Assert.Contains(loaded.Plugin.Schema.Fields, f => f.Name == "password" && f.Secret);
        Assert.Equal(["exchange", "routing_key", "message_id", "headers"], loaded.Plugin.Routing.Keys.Select(k => k.Name));
    }

    [Fact]
    public async Task LoadedPluginParsesAConfigAndCreatesItsClient()
    {
        var plugin = Assert.Single(PluginDirectory.Load(PluginsFolder).Plugins).Plugin;

        var parsed = plugin.Schema.Parse(Some.Config(("host", "127.0.0.1"), ("port", "9"), ("timeout_ms", "5000")), RoutingMode.Dynamic, Some.Path);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        await using var client = plugin.CreateClient(parsed.Options, Some.Context(RoutingMode.Dynamic));

        // Port 9 (discard) is closed here: the credentials check fails with the reason instead of throwing.
        var check = await client.TestCredentialsAsync(CancellationToken.None);
        Assert.False(check.Success);
        Assert.StartsWith("RabbitMQ at 127.0.0.1:9 (virtual host '/') cannot be reached", check.Message, StringComparison.Ordinal);
    }
}
