using Sequin.Configuration;
using Sequin.Host.Tests.Support;
using Sequin.Sinks;

namespace Sequin.Host.Tests.Configuration;

public sealed class SequinConfigExporterTests
{
    [Fact]
    public void ExportMasksSecrets()
    {
        var config = Yaml.Load(Yaml.ValidConfig).Config!;

        var yaml = SequinConfigExporter.Export(config);

        Assert.DoesNotContain("hunter2", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", yaml, StringComparison.Ordinal);
        Assert.Contains($"password: \"{SinkSchema<object>.MaskedSecret}\"", yaml, StringComparison.Ordinal);
        Assert.Contains("routing: \"by-table\"", yaml, StringComparison.Ordinal);
        Assert.Contains("retries: 3", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void ExportedYamlLoadsBackToTheSameConfig()
    {
        var config = Yaml.Load(Yaml.ValidConfig).Config!;

        var again = Yaml.Load(SequinConfigExporter.Export(config));

        Assert.Empty(again.Errors);
        var a = config.FindSink("orders-static")!;
        var b = again.Config!.FindSink("orders-static")!;
        Assert.Equal(a.Settings with { Actions = null!, GroupColumns = null!, IncludeTables = null! }, b.Settings with { Actions = null!, GroupColumns = null!, IncludeTables = null! });
        Assert.Equal(a.Settings.IncludeTables, b.Settings.IncludeTables);
        Assert.Equal(a.Settings.Actions, b.Settings.Actions);
        Assert.Equal(a.Settings.GroupColumns["public.orders"], b.Settings.GroupColumns["public.orders"]);
        Assert.Equal(config.FindFunction("by-table")!.Code, again.Config.FindFunction("by-table")!.Code);
        Assert.Equal(RoutingMode.Dynamic, again.Config.FindSink("orders-dynamic")!.RoutingMode);
    }

    [Theory]
    [InlineData(true)] // a literal block
    [InlineData(false)] // a quoted string (the code starts with a space)
    public void TemplateLiteralsInFunctionCodeAndDollarBracesInValuesSurviveTheRoundTrip(bool block)
    {
        // In sequin.yaml a literal ${ is written $${ (${VAR} is an environment variable); the exporter must write it so.
        var code = (block ? string.Empty : " ") + "function route(action, record, changes, metadata) {\n  return { topic: `t.$${metadata.table_name}` };\n}";
        var yaml = Yaml.ValidConfig.Replace(
            "code: |-\n      function route(action, record, changes, metadata) {\n        return { topic: metadata.table_name };\n      }",
            "code: " + System.Text.Json.JsonSerializer.Serialize(code),
            StringComparison.Ordinal);
        Assert.NotEqual(Yaml.ValidConfig, yaml);
        var config = Yaml.Load(yaml).Config!;
        Assert.Contains("`t.${metadata.table_name}`", config.FindFunction("by-table")!.Code, StringComparison.Ordinal);

        var exported = SequinConfigExporter.Export(config);
        var again = Yaml.Load(exported);

        Assert.Empty(again.Errors);
        Assert.Equal(config.FindFunction("by-table")!.Code, again.Config!.FindFunction("by-table")!.Code);
        Assert.Contains("$${metadata.table_name}", exported, StringComparison.Ordinal);
        Assert.Equal("\"a $${b}\"", SequinConfigExporter.Quote("a ${b}"));
    }
}
