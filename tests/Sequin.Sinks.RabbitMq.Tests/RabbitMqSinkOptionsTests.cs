using Sequin.Sinks;

namespace Sequin.Sinks.RabbitMq.Tests;

/// <summary>The <c>destination:</c> section as Core parses, validates and exports it.</summary>
public sealed class RabbitMqSinkOptionsTests
{
    private readonly ISinkPlugin _sink = new RabbitMqSink();

    [Fact]
    public void TheOriginalsExampleParsesWithItsDefaults()
    {
        // The rabbitmq destination of the original's sequin.yaml reference (docs/reference/sequin-yaml.mdx).
        var result = _sink.Schema.Parse(
            Some.Config(("host", "localhost"), ("port", "5672"), ("exchange", "my-exchange"), ("username", "guest"), ("password", "guest"), ("virtual_host", "/"), ("tls", "false")),
            RoutingMode.Static,
            Some.Path);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var options = Assert.IsType<RabbitMqSinkOptions>(result.Options);
        Assert.Equal(("localhost", 5672, "/", "guest", "guest", false, "my-exchange"), (options.Host, options.Port, options.VirtualHost, options.Username, options.Password, options.Tls, options.Exchange));
    }

    [Fact]
    public void OnlyTheHostAndInStaticRoutingTheExchangeAreRequired()
    {
        var result = _sink.Schema.Parse(Some.Config(("host", "rabbit.internal"), ("exchange", "cdc")), RoutingMode.Static, Some.Path);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var options = Assert.IsType<RabbitMqSinkOptions>(result.Options);
        Assert.Equal((5672, "/", "guest", (string?)null, false, true, 15_000), (options.Port, options.VirtualHost, options.Username, options.Password, options.Tls, options.Mandatory, options.TimeoutMs));
    }

    [Fact]
    public void MistakesAreReportedOnTheirKeysAndThePasswordIsNeverShown()
    {
        var result = _sink.Schema.Parse(
            Some.Config(("port", "70000"), ("password", "s3cret-pw"), ("exchange", new string('x', 256)), ("timeout_ms", "5"), ("tls", "maybe")),
            RoutingMode.Static,
            Some.Path);

        Assert.Equal(
            [Some.Path + ".exchange", Some.Path + ".host", Some.Path + ".port", Some.Path + ".timeout_ms", Some.Path + ".tls"],
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.All(result.Errors, e => Assert.DoesNotContain("s3cret-pw", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void StaticRoutingWithoutAnExchangeNamesTheKey()
    {
        var result = _sink.Schema.Parse(Some.Config(("host", "rabbit.internal")), RoutingMode.Static, Some.Path);

        var error = Assert.Single(result.Errors);
        Assert.Equal(Some.Path + ".exchange", error.Path);
    }

    [Fact]
    public void AnEmptyVirtualHostAndAnOverlongHeaderNameAreRefusedNamingTheirKeys()
    {
        var result = _sink.Schema.Parse(
            Some.Config(("host", "h"), ("exchange", "x"), ("virtual_host", ""), ("headers:" + new string('h', 256), "v")),
            RoutingMode.Static,
            Some.Path);

        Assert.Equal([Some.Path + ".headers", Some.Path + ".virtual_host"], result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains("AMQP short string", result.Errors.Single(e => e.Path.EndsWith("headers", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThePasswordIsMaskedOnExport()
    {
        var exported = _sink.Schema.Export(new RabbitMqSinkOptions { Host = "h", Exchange = "x", Password = "s3cret-pw" });

        Assert.Contains(exported, kv => kv.Key == "password");
        Assert.DoesNotContain(exported, kv => kv.Value.Contains("s3cret-pw", StringComparison.Ordinal));
        Assert.Contains(_sink.Schema.Fields, f => f.Name == "password" && f.Secret);
    }
}
