using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sequin.Configuration;
using Sequin.EndToEnd.Tests.Support;
using Sequin.Hosting.Configuration;
using Sequin.Hosting;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>Embedding: an application registers a sink type in code and adds Sequin to its own generic host.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class EmbeddingTests(PostgresFixture postgres)
{
    [Fact]
    public async Task AddSequinRunsTheConfigurationInTheApplicationsHostWithASinkRegisteredInCode()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "embed");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY)");
        var sink = new RecordingSinkPlugin();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddSequinYaml(scenario.WriteConfig(destinationType: "recording"));
        builder.Services.AddSinkPlugin(sink);
        builder.Services.AddSequin(builder.Configuration);

        using var host = builder.Build();
        await host.StartAsync();
        await scenario.WaitForSlotActiveAsync();
        await scenario.ExecuteAsync("INSERT INTO t SELECT generate_series(1, 100)");
        await Eventually.UntilAsync(() => sink.Delivered.Count() == 100, () => $"100 deliveries (have {sink.Delivered.Count()})");
        await host.StopAsync();

        Assert.Equal(Enumerable.Range(1, 100), sink.Delivered.Select(a => a.Id).Order());
        Assert.Null(host.Services.GetRequiredService<SequinHostedService>().Failure);
        Assert.Equal(0, await scenario.ScalarAsync<long>($"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{scenario.SlotName}' AND active"));
    }

    [Fact]
    public void AnInvalidConfigurationFailsWhenResolvedWithEveryErrorAndItsKeyPath()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["databases:0:name"] = "db",
            ["databases:0:hostname"] = "localhost",
            ["sinks:0:name"] = "s",
            ["sinks:0:database"] = "nope",
            ["sinks:0:destination:type"] = "recording",
            ["sinks:0:batch_size"] = "0",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSinkPlugin(new RecordingSinkPlugin()).AddSequin(configuration).BuildServiceProvider();

        var error = Assert.Throws<SequinConfigurationException>(() => services.GetRequiredService<SequinRuntime>());

        Assert.Contains(error.Errors, e => e.Path == "databases[0].database");
        Assert.Contains(error.Errors, e => e.Path == "sinks[0].database");
        Assert.Contains(error.Errors, e => e.Path == "sinks[0].batch_size");
    }
}
