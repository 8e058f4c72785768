using Sequin.Sinks;

namespace Sequin.Sinks.Webhook.Tests;

/// <summary>The <c>destination:</c> keys: the original's, their rules, and errors naming the key.</summary>
public sealed class WebhookSinkOptionsTests
{
    [Fact]
    public void AUrlWithTheOriginalsDefaultsParses()
    {
        var options = Some.Options(("url", "https://api.example.com/webhook"));

        Assert.True(options.Batch); // the original's default
        Assert.Equal(30_000, options.AckWaitMs);
        Assert.False(options.TlsSkipVerify);
        Assert.Equal(new Uri("https://api.example.com/webhook"), WebhookAddress.BaseUri(options));
    }

    [Fact]
    public void SchemeHostPortPathAndQueryComposeTheAddress()
    {
        var options = Some.Options(("scheme", "https"), ("host", "hooks.example.com"), ("port", "8443"), ("path", "/in"), ("query", "src=sequin"));

        Assert.Equal(new Uri("https://hooks.example.com:8443/in?src=sequin"), WebhookAddress.BaseUri(options));
        Assert.Equal(new Uri("https://hooks.example.com:8443/in/orders?src=sequin"), WebhookAddress.RequestUri(WebhookAddress.BaseUri(options)!, "/orders"));
        Assert.Equal(new Uri("https://hooks.example.com:8443/in?t=1"), WebhookAddress.RequestUri(WebhookAddress.BaseUri(options)!, "?t=1"));
    }

    [Fact]
    public void HeadersAreAMapOrTheOriginalsListOfKeyAndValue()
    {
        var map = Some.Options(("url", "https://a.example.com"), ("headers:X-Source", "sequin"));
        var list = Some.Options(("url", "https://a.example.com"), ("headers:0:key", "X-Source"), ("headers:0:value", "sequin"));

        Assert.Equal("sequin", map.Headers!["x-source"]);
        Assert.Equal("sequin", list.Headers!["X-Source"]);
    }

    [Theory]
    [InlineData("url", null, "sinks[0].destination.url", "Required: the endpoint's url, or scheme and host")]
    [InlineData("scheme", "ftp", "sinks[0].destination.scheme", "Must be http or https")]
    [InlineData("http_endpoint_path", "orders", "sinks[0].destination.http_endpoint_path", "empty, or a URL path starting with /")]
    [InlineData("ack_wait_ms", "10", "sinks[0].destination.ack_wait_ms", "Must be at least 100")]
    [InlineData("max_connections", "0", "sinks[0].destination.max_connections", "Must be at least 1")]
    [InlineData("signing_secret", "short", "sinks[0].destination.signing_secret", "at least 16 characters")]
    public void ABadValueIsReportedUnderItsKey(string key, string? value, string path, string message)
    {
        var values = key == "url" ? [] : new List<(string, string?)> { ("url", "https://a.example.com"), (key, value) };
        if (key == "scheme")
        {
            values = [("scheme", value), ("host", "a.example.com")];
        }

        var error = Assert.Single(Some.Errors([.. values]));

        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TlsKeysNeedHttpsAndCaFileMustExist()
    {
        var errors = Some.Errors(("url", "http://a.example.com"), ("tls_skip_verify", "true"), ("ca_file", "/nonexistent/ca.pem"));

        Assert.Contains(errors, e => e.Path == "sinks[0].destination.tls_skip_verify" && e.Message.Contains("https", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "sinks[0].destination.ca_file" && e.Message.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void UrlAndHostTogetherAreRefused()
    {
        var error = Assert.Single(Some.Errors(("url", "https://a.example.com"), ("host", "b.example.com")));

        Assert.Equal("sinks[0].destination.url", error.Path);
        Assert.Contains("not both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AHeaderTheSinkSetsItselfCannotBeConfigured()
    {
        var error = Assert.Single(Some.Errors(("url", "https://a.example.com"), ("headers:Content-Length", "3")));

        Assert.Equal("sinks[0].destination.headers", error.Path);
        Assert.Contains("Content-Length", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncryptedHeaderValuesAreMaskedOnExportAndNeverInErrors()
    {
        ISinkPlugin sink = new WebhookSink();
        var options = Some.Options(("url", "https://a.example.com"), ("encrypted_headers:Authorization", "Bearer s3cr3t-token"), ("signing_secret", "0123456789abcdef-secret"));

        var exported = sink.Schema.Export(options).ToDictionary(p => p.Key, p => p.Value);

        Assert.Equal("{ \"Authorization\": \"********\" }", exported["encrypted_headers"]);
        Assert.Equal("********", exported["signing_secret"]);
        Assert.DoesNotContain("s3cr3t", string.Join(" ", exported.Values), StringComparison.Ordinal);
        var errors = Some.Errors(("url", "https://a.example.com"), ("encrypted_headers:Bad Name", "Bearer s3cr3t-token"));
        Assert.DoesNotContain(errors, e => e.Message.Contains("s3cr3t", StringComparison.Ordinal));
    }

    [Fact]
    public void BatchFalseLimitsWhatTheDeliveryGetsAndBatchesShareTheWholeRoute()
    {
        var sink = new WebhookSink();

        var batched = sink.GetLimits(Some.Options(("url", "https://a.example.com")));
        var single = sink.GetLimits(Some.Options(("url", "https://a.example.com"), ("batch", "false")));

        Assert.Equal(1000, batched.MaxBatchMessages);
        Assert.Equal(100, single.MaxBatchMessages);
        Assert.Equal(["method", "endpoint_path", "headers"], batched.BatchBy);
    }
}
