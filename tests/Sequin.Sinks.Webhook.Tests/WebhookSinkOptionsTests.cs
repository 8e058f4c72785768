using Sequin.Sinks;

namespace Sequin.Sinks.Webhook.Tests;

/// <summary>The <c>destination:</c> section as Core parses it from <see cref="WebhookSinkOptions"/>: errors name the key.</summary>
public sealed class WebhookSinkOptionsTests
{
    private readonly ISinkSchema _schema = ((ISinkPlugin)new WebhookSink()).Schema;

    [Fact]
    public void ValidSectionParsesEveryKey()
    {
        var result = Parse(RoutingMode.Static, ("url", "https://api.example.com/v1"), ("api_key", "k-123"), ("timeout_seconds", "12")
            , ("destination", "orders-hook")
            );

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var options = Assert.IsType<WebhookSinkOptions>(result.Options);
        Assert.Equal(new Uri("https://api.example.com/v1"), options.Url);
        Assert.Equal("k-123", options.ApiKey);
        Assert.Equal(12, options.TimeoutSeconds);
        Assert.Equal("orders-hook", options.Destination);
    }

    [Fact]
    public void MissingUrlIsReportedWithItsKeyPath()
    {
        var result = Parse(RoutingMode.Dynamic);

        var error = Assert.Single(result.Errors);
        Assert.Equal(Some.Path + ".url", error.Path);
    }

    [Fact]
    public void OutOfRangeAndMalformedValuesAreEachReported()
    {
        var result = Parse(RoutingMode.Dynamic, ("url", "not a url"), ("timeout_seconds", "0"));

        Assert.Contains(result.Errors, e => e.Path == Some.Path + ".url");
        Assert.Contains(result.Errors, e => e.Path == Some.Path + ".timeout_seconds");
    }

    [Fact]
    public void ApiKeyIsMaskedOnExportAndNeverEchoedInErrors()
    {
        var result = Parse(RoutingMode.Dynamic, ("url", "http://api.example.com"), ("api_key", "s3cret-key"));

        // The example rule between keys: a key only over https (or to a loopback address).
        var error = Assert.Single(result.Errors);
        Assert.Equal(Some.Path + ".url", error.Path);
        Assert.DoesNotContain("s3cret-key", error.Message, StringComparison.Ordinal);

        var exported = _schema.Export(new WebhookSinkOptions { Url = new Uri("https://api.example.com"), ApiKey = "s3cret-key" });
        Assert.Contains(exported, kv => kv.Key == "api_key");
        Assert.DoesNotContain(exported, kv => kv.Value.Contains("s3cret-key", StringComparison.Ordinal));
    }

    [Fact]
    public void SchemaListsEveryKeyWithItsDescription()
    {
        var names = _schema.Fields.Select(f => f.Name).ToList();

        Assert.Contains("url", names);
        Assert.Contains("api_key", names);
        Assert.Contains("timeout_seconds", names);
        Assert.All(_schema.Fields, f => Assert.False(string.IsNullOrWhiteSpace(f.Description)));
    }

    private SinkOptionsParseResult Parse(RoutingMode mode, params (string, string?)[] values) =>
        _schema.Parse(Some.Config(values), mode, Some.Path);
}
