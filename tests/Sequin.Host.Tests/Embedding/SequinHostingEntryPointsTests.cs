using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sequin.Configuration;
using Sequin.Host.Tests.Support;

namespace Sequin.Host.Tests.Embedding;

/// <summary>
/// An application's own generic host takes Sequin the way the <c>sequin</c> tool does, through Sequin.Hosting's public
/// entry points: <c>AddSequinYaml</c>, <c>AddSequinEnvironmentVariables</c> and <c>AddSequinPlugins</c>.
/// </summary>
public sealed class SequinHostingEntryPointsTests
{
    [Fact]
    public void AGenericHostLoadsSequinYamlIntoASectionWithSubstitutionAndOverridesAndThePluginsFolder()
    {
        using var dir = new TempDirectory();
        using var plugins = new PluginFolder();
        plugins.AddBroken();
        var configPath = dir.Write("sequin.yaml", """
            databases:
              - name: shop
                hostname: 127.0.0.1
                database: ${SHOP_DB}
                slot: { name: sequin_slot }
                publication: { name: sequin_pub }
            sinks:
              - name: to-stdout
                database: shop
                batch_size: 10
                destination:
                  type: stdout
              - name: to-fake
                database: shop
                destination:
                  type: fake
                  hosts: fake.internal:1
                  topic: orders
            """);
        // The application's configuration holds its own keys too (environment variables, ...): Sequin's go in a section.
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = dir.Path });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["myapp:greeting"] = "hello" });
        builder.Configuration
            .AddSequinYaml(configPath, name => name == "SHOP_DB" ? "shop_production" : null, sectionPath: "sequin")
            .AddSequinEnvironmentVariables(new Hashtable { ["SEQUIN_SINKS__0__BATCH_SIZE"] = "7", ["SEQUIN_OTHER"] = "ignored" }, sectionPath: "sequin");
        builder.Services.AddSinkPlugin<FakeSinkPlugin>().AddSequinPlugins(plugins.Path).AddSequinPlugins(plugins.Path);

        using var host = builder.Build();
        var catalog = host.Services.GetRequiredService<ISinkPluginCatalog>();
        var result = SequinConfigLoader.Load(builder.Configuration.GetSection("sequin"), catalog, dir.Path);

        Assert.Equal(["fake", "stdout"], catalog.Plugins.Select(p => p.TypeName));
        var broken = Assert.Single(catalog.Failures); // the folder was added twice but loaded once
        Assert.EndsWith("Broken.dll", broken.Source, StringComparison.Ordinal);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.ToString())));
        Assert.Equal("shop_production", Assert.Single(result.Config!.Databases).Database);
        Assert.Equal(7, result.Config.FindSink("to-stdout")!.Settings.BatchSize);
        Assert.Equal("stdout", result.Config.FindSink("to-stdout")!.Plugin.TypeName);
        Assert.Equal("hello", builder.Configuration["myapp:greeting"]);
        Assert.Null(builder.Configuration["sequin:other"]);
    }

    [Fact]
    public void PluginsRegisteredInCodeWinOverAFolderPluginOfTheSameTypeName()
    {
        using var plugins = new PluginFolder();
        var services = new ServiceCollection().AddSequinPlugins(plugins.Path).AddSinkPlugin(new StdoutInCode());
        using var provider = services.BuildServiceProvider();

        var catalog = provider.GetRequiredService<ISinkPluginCatalog>();

        Assert.True(catalog.TryGetPlugin("stdout", out var stdout));
        Assert.IsType<StdoutInCode>(stdout);
        Assert.Contains(catalog.Failures, f => f.Reason.Contains("Duplicate sink type 'stdout'", StringComparison.Ordinal));
    }

    private sealed class StdoutInCode : Sequin.Sinks.ISinkPlugin
    {
        private readonly Sequin.Sinks.ISinkPlugin _inner = new FakeSinkPlugin();

        public string TypeName => "stdout";

        public string Description => "Registered in code.";

        public Sequin.Sinks.ISinkSchema Schema => _inner.Schema;

        public Sequin.Sinks.IRoutedConsumer Routing => _inner.Routing;

        public Sequin.Sinks.ISinkClient CreateClient(object options, Sequin.Sinks.SinkContext context) => _inner.CreateClient(options, context);

        public Sequin.Sinks.ISinkPipeline CreatePipeline(object options, Sequin.Sinks.ISinkClient client, Sequin.Sinks.SinkContext context) => throw new NotSupportedException();
    }
}
