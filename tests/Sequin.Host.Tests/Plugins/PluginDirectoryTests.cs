using System.Runtime.Loader;
using Microsoft.Extensions.DependencyInjection;
using Sequin.Configuration;
using Sequin.Hosting.Plugins;
using Sequin.Host.Tests.Support;
using Sequin.Sinks;

namespace Sequin.Host.Tests.Plugins;

public sealed class PluginDirectoryTests
{
    [Fact]
    public void StdoutPluginLoadsFromItsFolderAndABrokenOneIsReportedWithTheReason()
    {
        using var folder = new PluginFolder();
        folder.AddBroken();
        folder.AddEmptyFolder("NoDll");

        var result = PluginDirectory.Load(folder.Path);

        var loaded = Assert.Single(result.Plugins);
        object plugin = loaded.Plugin;
        Assert.True(plugin is ISinkPlugin);
        Assert.Equal("stdout", loaded.Plugin.TypeName);
        Assert.Equal(Path.Combine(folder.Path, "Sequin.Sinks.Stdout", "Sequin.Sinks.Stdout.dll"), loaded.AssemblyPath);

        // Its own context, but the contract types are the host's (one Sequin.Core).
        var context = AssemblyLoadContext.GetLoadContext(plugin.GetType().Assembly);
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.Same(typeof(ISinkPlugin).Assembly, plugin.GetType().GetInterface(nameof(ISinkPlugin))!.Assembly);
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(loaded.Plugin.Schema.GetType().BaseType!.Assembly));

        Assert.Equal(2, result.Failures.Count);
        var broken = Assert.Single(result.Failures, f => f.Source.EndsWith("Broken.dll", StringComparison.Ordinal));
        Assert.Contains("bad image", broken.Reason, StringComparison.Ordinal);
        var noDll = Assert.Single(result.Failures, f => f.Source.EndsWith("NoDll", StringComparison.Ordinal));
        Assert.Contains("No NoDll.dll", noDll.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void PluginsWithAThrowingConstructorOrAMissingDependencyAreReportedAndTheOthersStillLoad()
    {
        using var folder = new PluginFolder();
        folder.AddThrowingConstructor("Throwing");
        folder.AddMissingDependency("NeedsDep");

        var result = PluginDirectory.Load(folder.Path);

        Assert.Equal("stdout", Assert.Single(result.Plugins).Plugin.TypeName);
        var throwing = Assert.Single(result.Failures, f => f.Source.EndsWith("Throwing.dll", StringComparison.Ordinal));
        Assert.Equal("The constructor of Throwing.Plugin threw InvalidOperationException: no licence key", throwing.Reason);
        var needsDep = Assert.Single(result.Failures, f => f.Source.EndsWith("NeedsDep.dll", StringComparison.Ordinal));
        Assert.Contains("NeedsDep.Dep", needsDep.Reason, StringComparison.Ordinal);
        Assert.Equal(2, result.Failures.Count);
    }

    [Fact]
    public void APluginBuiltAgainstAnotherMajorVersionOfSequinCoreIsRefusedNamingBothVersions()
    {
        var host = typeof(ISinkPlugin).Assembly.GetName().Version!;
        var built = new Version(host.Major + 1, 0, 0, 0);
        using var folder = new PluginFolder();
        folder.AddBuiltAgainstCore("Elsewhere", built);

        var result = PluginDirectory.Load(folder.Path);

        Assert.Equal("stdout", Assert.Single(result.Plugins).Plugin.TypeName);
        var refused = Assert.Single(result.Failures);
        Assert.EndsWith("Elsewhere.dll", refused.Source, StringComparison.Ordinal);
        Assert.Contains($"built against Sequin.Core {built.ToString(3)}", refused.Reason, StringComparison.Ordinal);
        Assert.Contains($"this host has Sequin.Core {host.ToString(3)}", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void APluginBuiltAgainstANewerMinorVersionOfSequinCoreIsRefusedAsNewerThanTheHost()
    {
        var host = typeof(ISinkPlugin).Assembly.GetName().Version!;
        var newer = new Version(host.Major, host.Minor + 1, 0, 0);
        using var folder = new PluginFolder(withStdout: false);
        folder.AddBuiltAgainstCore("Newer", newer);

        var refused = Assert.Single(PluginDirectory.Load(folder.Path).Failures);

        Assert.Equal(
            $"It was built against Sequin.Core {newer.ToString(3)}, newer than this host's Sequin.Core {host.ToString(3)}: update the host, or rebuild the plugin against Sequin.Core {host.ToString(3)}.",
            refused.Reason);
    }

    [Fact]
    public void ShippedPluginFoldersCarryTheirOwnDependenciesButNoCopyOfWhatTheHostProvides()
    {
        var folders = Directory.GetDirectories(Yaml.PluginsDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["Sequin.Sinks.Kafka", "Sequin.Sinks.Nats", "Sequin.Sinks.Postgres", "Sequin.Sinks.RabbitMq", "Sequin.Sinks.Redis", "Sequin.Sinks.Sns", "Sequin.Sinks.Sqs", "Sequin.Sinks.Stdout", "Sequin.Sinks.Typesense", "Sequin.Sinks.Webhook"], folders);
        var copies = Directory.GetFiles(Yaml.PluginsDirectory, "*.dll", SearchOption.AllDirectories)
            .Select(Path.GetFileName)
            .Where(f => f!.StartsWith("Sequin.Core", StringComparison.OrdinalIgnoreCase)
                || f.StartsWith("Microsoft.Extensions.", StringComparison.OrdinalIgnoreCase)
                || f.Equals("jint.dll", StringComparison.OrdinalIgnoreCase)
                || f.Equals("Npgsql.dll", StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.Empty(copies);

        var kafka = Path.Combine(Yaml.PluginsDirectory, "Sequin.Sinks.Kafka");
        Assert.True(File.Exists(Path.Combine(kafka, "Confluent.Kafka.dll")));
        Assert.True(File.Exists(Path.Combine(kafka, "runtimes", "linux-x64", "native", "librdkafka.so")));
        Assert.True(File.Exists(Path.Combine(kafka, "AWSSDK.Core.dll"))); // credentials and SigV4 for aws_msk_iam
        Assert.True(File.Exists(Path.Combine(Yaml.PluginsDirectory, "Sequin.Sinks.Sns", "AWSSDK.Core.dll")));
        Assert.True(File.Exists(Path.Combine(Yaml.PluginsDirectory, "Sequin.Sinks.Sqs", "AWSSDK.SQS.dll")));
        Assert.True(File.Exists(Path.Combine(Yaml.PluginsDirectory, "Sequin.Sinks.Redis", "StackExchange.Redis.dll")));
        Assert.True(File.Exists(Path.Combine(Yaml.PluginsDirectory, "Sequin.Sinks.Nats", "NATS.Client.JetStream.dll")));
        Assert.True(File.Exists(Path.Combine(Yaml.PluginsDirectory, "Sequin.Sinks.RabbitMq", "RabbitMQ.Client.dll")));

        // They load all the same: what they do not carry comes from the host.
        var result = PluginDirectory.Load(Yaml.PluginsDirectory);
        Assert.Empty(result.Failures);
        Assert.Equal(["kafka", "nats", "postgres", "rabbitmq", "redis", "redis_stream", "redis_string", "sns", "sqs", "stdout", "typesense", "webhook"], result.Plugins.Select(p => p.Plugin.TypeName).Order(StringComparer.Ordinal));
        Assert.All(result.Plugins, p => Assert.Same(typeof(ISinkPlugin).Assembly, p.Plugin.GetType().GetInterface(nameof(ISinkPlugin))!.Assembly));
    }

    [Fact]
    public void MissingFolderGivesNoPluginsAndNoFailures()
    {
        var result = PluginDirectory.Load(Path.Combine(Path.GetTempPath(), "sequin-no-such-folder-" + Guid.NewGuid().ToString("N")));

        Assert.Empty(result.Plugins);
        Assert.Empty(result.Failures);
    }

    [Fact]
    public void CatalogPrefersPluginsRegisteredInCodeAndReportsDuplicateTypeNames()
    {
        using var folder = new PluginFolder();
        var registered = new DuplicateStdoutPlugin();

        var catalog = PluginDirectory.CreateCatalog(folder.Path, [registered, new FakeSinkPlugin()]);

        Assert.True(catalog.TryGetPlugin("STDOUT", out var stdout));
        Assert.Same(registered, stdout);
        Assert.Equal(["stdout", "fake"], catalog.Plugins.Select(p => p.TypeName));
        var duplicate = Assert.Single(catalog.Failures);
        Assert.Contains("Duplicate sink type 'stdout'", duplicate.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSinkPluginRegistersEachPluginOnceAndACatalog()
    {
        var services = new ServiceCollection();
        var instance = new DuplicateStdoutPlugin();

        services.AddSinkPlugin<FakeSinkPlugin>().AddSinkPlugin<FakeSinkPlugin>().AddSinkPlugin(instance).AddSinkPlugin(instance);
        using var provider = services.BuildServiceProvider();

        var catalog = provider.GetRequiredService<ISinkPluginCatalog>();
        Assert.Equal(["fake", "stdout"], catalog.Plugins.Select(p => p.TypeName));
        Assert.Empty(catalog.Failures);
        Assert.Equal(2, provider.GetServices<ISinkPlugin>().Count());
    }

    private sealed class DuplicateStdoutPlugin : ISinkPlugin
    {
        private readonly Sequin.Sinks.ISinkPlugin _inner = new FakeSinkPlugin();

        public string TypeName => "stdout";

        public string Description => "Registered in code.";

        public ISinkSchema Schema => _inner.Schema;

        public IRoutedConsumer Routing => _inner.Routing;

        public ISinkClient CreateClient(object options, SinkContext context) => _inner.CreateClient(options, context);

        public ISinkPipeline CreatePipeline(object options, ISinkClient client, SinkContext context) => throw new NotSupportedException();
    }
}
