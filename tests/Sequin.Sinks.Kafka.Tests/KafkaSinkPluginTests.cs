using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Sequin.Sinks;
using Sequin.Sinks.Kafka.Tests.Support;

namespace Sequin.Sinks.Kafka.Tests;

public sealed class KafkaSinkPluginTests
{
    [Fact]
    public void AssemblyNamesThePluginClass()
    {
        var attribute = typeof(KafkaSink).Assembly.GetCustomAttribute<SequinSinkPluginAttribute>();

        Assert.NotNull(attribute);
        Assert.Equal(typeof(KafkaSink), attribute.PluginType);
        Assert.NotNull(typeof(KafkaSink).GetConstructor(Type.EmptyTypes));
    }

    [Fact]
    public void PluginExposesTheKafkaParts()
    {
        ISinkPlugin plugin = new KafkaSink();

        Assert.Equal("kafka", plugin.TypeName);
        Assert.False(string.IsNullOrWhiteSpace(plugin.Description));
        Assert.Equal(typeof(KafkaSinkOptions), plugin.Schema.OptionsType);
        Assert.Equal(["topic", "message_key"], plugin.Routing.Keys.Select(k => k.Name));
    }

    [Fact]
    public async Task PluginCreatesClientAndPipelineFromParsedOptions()
    {
        ISinkPlugin plugin = new KafkaSink();
        var parsed = plugin.Schema.Parse(Some.Section(("type", "kafka"), ("hosts", "127.0.0.1:9092"), ("topic", "t"), ("batch_size", "42")), RoutingMode.Static, "destination");
        Assert.True(parsed.IsValid);

        await using var client = plugin.CreateClient(parsed.Options, Some.Context());
        await using var pipeline = plugin.CreatePipeline(parsed.Options, client, Some.Context());

        Assert.Equal((42, 10_000), (pipeline.Batching.MaxMessages, pipeline.Batching.MaxMessagesLimit));
        Assert.Equal(KafkaSink.MaxConcurrentBatches, pipeline.Batching.MaxConcurrentBatches);
    }

    [Fact]
    public void PluginRejectsAnotherSinksOptions()
    {
        ISinkPlugin plugin = new KafkaSink();

        Assert.Throws<ArgumentException>(() => plugin.CreateClient(new object(), Some.Context()));
    }

    [Fact]
    public void AddKafkaSinkRegistersThePluginOnce()
    {
        var services = new ServiceCollection().AddKafkaSink().AddKafkaSink();

        using var provider = services.BuildServiceProvider();

        Assert.IsType<KafkaSink>(Assert.Single(provider.GetServices<ISinkPlugin>()));
        Assert.True(provider.GetRequiredService<Sequin.Configuration.ISinkPluginCatalog>().TryGetPlugin("kafka", out _), "AddSequin finds the sink through the catalog");
    }
}
