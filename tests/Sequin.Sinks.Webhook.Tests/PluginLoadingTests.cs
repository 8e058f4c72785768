using Sequin.Hosting.Plugins;
using Sequin.Sinks;

namespace Sequin.Sinks.Webhook.Tests;

/// <summary>
/// The plugin as the sequin host loads it: the sink's publish output in <c>plugins/Sequin.Sinks.Webhook/</c> (the test
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
        Assert.Equal("webhook", loaded.Plugin.TypeName);
        Assert.False(string.IsNullOrWhiteSpace(loaded.Plugin.Description));
        Assert.Equal(Path.Combine(PluginsFolder, "Sequin.Sinks.Webhook", "Sequin.Sinks.Webhook.dll"), loaded.AssemblyPath);
        Assert.Contains(loaded.Plugin.Schema.Fields, f => f.Name == "encrypted_headers" && f.Secret && f.Type == SinkFieldType.Map);
        Assert.Contains(loaded.Plugin.Schema.Fields, f => f.Name == "http_endpoint");
        Assert.Equal(["method", "endpoint_path", "headers"], loaded.Plugin.Routing.Keys.Select(k => k.Name));
    }

    [Fact]
    public async Task LoadedPluginParsesAConfigAndCreatesItsClient()
    {
        var plugin = Assert.Single(PluginDirectory.Load(PluginsFolder).Plugins).Plugin;

        var parsed = plugin.Schema.Parse(Some.Config(("url", "http://127.0.0.1:9")), RoutingMode.Dynamic, Some.Path);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        await using var client = plugin.CreateClient(parsed.Options, Some.Context(RoutingMode.Dynamic));

        // Port 9 (discard) is closed here: the check fails with the reason instead of throwing.
        var check = await client.TestCredentialsAsync(CancellationToken.None);
        Assert.False(check.Success);
        Assert.Contains("127.0.0.1:9", check.Message, StringComparison.Ordinal);
        Assert.Contains("does not accept a connection", check.Message, StringComparison.Ordinal);
    }
}
