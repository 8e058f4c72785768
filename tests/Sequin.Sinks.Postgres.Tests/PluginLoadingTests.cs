using Sequin.Hosting.Plugins;
using Sequin.Sinks;

namespace Sequin.Sinks.Postgres.Tests;

/// <summary>The plugin as the sequin host loads it: the publish output in <c>plugins/Sequin.Sinks.Postgres/</c>, Sequin.Core and Npgsql shared.</summary>
public sealed class PluginLoadingTests
{
    private static string PluginsFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    [Fact]
    public void HostLoadsThePublishedPluginWithItsSchemaAndRouting()
    {
        var result = PluginDirectory.Load(PluginsFolder);

        Assert.Empty(result.Failures);
        var loaded = Assert.Single(result.Plugins);
        Assert.Equal("postgres", loaded.Plugin.TypeName);
        Assert.Equal(Path.Combine(PluginsFolder, "Sequin.Sinks.Postgres", "Sequin.Sinks.Postgres.dll"), loaded.AssemblyPath);
        Assert.Contains(loaded.Plugin.Schema.Fields, f => f.Name == "password" && f.Secret);
        Assert.Equal(["table"], loaded.Plugin.Routing.Keys.Select(k => k.Name));
    }

    [Fact]
    public async Task LoadedPluginParsesAConfigAndItsCredentialsCheckFailsWithTheReasonOnAClosedPort()
    {
        var plugin = Assert.Single(PluginDirectory.Load(PluginsFolder).Plugins).Plugin;

        var parsed = plugin.Schema.Parse(Some.Config(("hostname", "127.0.0.1"), ("port", "9"), ("database", "d"), ("timeout_ms", "2000")), RoutingMode.Dynamic, Some.Path);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        await using var client = plugin.CreateClient(parsed.Options, Some.Context(RoutingMode.Dynamic));

        var check = await client.TestCredentialsAsync(CancellationToken.None);
        Assert.False(check.Success);
        Assert.Contains("PostgreSQL at 127.0.0.1:9/d cannot be reached", check.Message, StringComparison.Ordinal);
    }
}
