using Sequin.Sinks;

namespace Sequin.Sinks.Sqs.Tests;

/// <summary>The <c>destination:</c> section as Core parses it from <see cref="SqsSinkOptions"/>: errors name the key.</summary>
public sealed class SqsSinkOptionsTests
{
    private readonly ISinkSchema _schema = ((ISinkPlugin)new SqsSink()).Schema;

    [Fact]
    public void ValidSectionParsesEveryKeyAndInfersTheRegionFromTheQueueUrl()
    {
        var result = Parse(
            RoutingMode.Static,
            ("queue_url", Some.FifoQueueUrl),
            ("access_key_id", "AKIDEXAMPLE"),
            ("secret_access_key", "s3cret"),
            ("endpoint_url", "http://127.0.0.1:4566"),
            ("timeout_seconds", "12"));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var options = Assert.IsType<SqsSinkOptions>(result.Options);
        Assert.Equal(Some.FifoQueueUrl, options.QueueUrl);
        Assert.Equal("eu-west-1", options.EffectiveRegion);
        Assert.Equal("AKIDEXAMPLE", options.AccessKeyId);
        Assert.Equal(new Uri("http://127.0.0.1:4566"), options.EndpointUrl);
        Assert.Equal(12, options.TimeoutSeconds);
        Assert.False(options.UseTaskRole);
    }

    [Fact]
    public void TaskRoleNeedsNoKeys()
    {
        var result = Parse(RoutingMode.Static, ("queue_url", Some.QueueUrl), ("use_task_role", "true"));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.True(Assert.IsType<SqsSinkOptions>(result.Options).UseTaskRole);
    }

    [Theory]
    [InlineData("https://sqs.us-east-1.amazonaws.com/12345/orders")]                 // account is not 12 digits
    [InlineData("https://sqs.us-east-1.amazonaws.com/123456789012/")]                // no queue name
    [InlineData("https://sqs.us-east-1.amazonaws.com/123456789012/a b")]             // whitespace
    [InlineData("ftp://sqs.us-east-1.amazonaws.com/123456789012/orders")]            // not http(s)
    [InlineData("arn:aws:sqs:us-east-1:123456789012:orders")]                        // an ARN, not a URL
    public void MalformedQueueUrlIsReportedWithItsKeyPath(string url)
    {
        var result = Parse(RoutingMode.Static, ("queue_url", url), ("use_task_role", "true"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(Some.Path + ".queue_url", error.Path);
    }

    [Fact]
    public void QueueNameLongerThan80CharactersIsReported()
    {
        var result = Parse(RoutingMode.Static, ("queue_url", "https://sqs.us-east-1.amazonaws.com/123456789012/" + new string('q', 76) + ".fifo"), ("use_task_role", "true"));

        Assert.Equal(Some.Path + ".queue_url", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void StaticRoutingRequiresTheQueueUrl()
    {
        var result = Parse(RoutingMode.Static, ("use_task_role", "true"));

        Assert.Contains(result.Errors, e => e.Path == Some.Path + ".queue_url");
    }

    [Fact]
    public void RegionIsRequiredWhenTheQueueUrlCannotGiveIt()
    {
        var emulator = Parse(RoutingMode.Static, ("queue_url", "http://127.0.0.1:9324/000000000000/orders"), ("endpoint_url", "http://127.0.0.1:9324"), ("use_task_role", "true"));
        var dynamic = Parse(RoutingMode.Dynamic, ("use_task_role", "true"));

        Assert.Equal(Some.Path + ".region", Assert.Single(emulator.Errors).Path);
        var error = Assert.Single(dynamic.Errors);
        Assert.Equal(Some.Path + ".region", error.Path);
        Assert.Contains("dynamic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RegionThatDiffersFromTheQueueUrlsIsReported()
    {
        var result = Parse(RoutingMode.Static, ("queue_url", Some.QueueUrl), ("region", "eu-west-1"), ("use_task_role", "true"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(Some.Path + ".region", error.Path);
        Assert.Contains("us-east-1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "access_key_id")]
    [InlineData("AKIDEXAMPLE", null, "secret_access_key")]
    [InlineData(null, "s3cret", "access_key_id")]
    public void CredentialsAreAKeyPairOrTheTaskRole(string? key, string? secret, string reported)
    {
        var result = Parse(RoutingMode.Static, ("queue_url", Some.QueueUrl), ("access_key_id", key), ("secret_access_key", secret));

        var error = Assert.Single(result.Errors);
        Assert.Equal(Some.Path + "." + reported, error.Path);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeysAndTaskRoleTogetherAreReported()
    {
        var result = Parse(RoutingMode.Static, ("queue_url", Some.QueueUrl), ("access_key_id", "AKIDEXAMPLE"), ("secret_access_key", "s3cret"), ("use_task_role", "true"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(Some.Path + ".access_key_id", error.Path);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutOfRangeAndMalformedValuesAreEachReported()
    {
        var result = Parse(RoutingMode.Dynamic, ("region", "US East"), ("endpoint_url", "not a url"), ("timeout_seconds", "0"), ("use_task_role", "true"));

        Assert.Contains(result.Errors, e => e.Path == Some.Path + ".region");
        Assert.Contains(result.Errors, e => e.Path == Some.Path + ".endpoint_url");
        Assert.Contains(result.Errors, e => e.Path == Some.Path + ".timeout_seconds");
    }

    [Fact]
    public void SecretAccessKeyIsMaskedOnExport()
    {
        var exported = _schema.Export(new SqsSinkOptions { QueueUrl = Some.QueueUrl, AccessKeyId = "AKIDEXAMPLE", SecretAccessKey = "s3cret-key" });

        Assert.Contains(exported, kv => kv.Key == "secret_access_key");
        Assert.Contains(exported, kv => kv.Key == "access_key_id" && kv.Value == "AKIDEXAMPLE");
        Assert.DoesNotContain(exported, kv => kv.Value.Contains("s3cret-key", StringComparison.Ordinal));
    }

    [Fact]
    public void SchemaListsEveryKeyWithItsDescription()
    {
        var names = _schema.Fields.Select(f => f.Name).ToList();

        Assert.Equal(["queue_url", "timeout_seconds", "region", "access_key_id", "secret_access_key", "use_task_role", "endpoint_url", "use_emulator", "emulator_base_url"], names);
        Assert.True(_schema.Fields.Single(f => f.Name == "secret_access_key").Secret);
        Assert.All(_schema.Fields, f => Assert.False(string.IsNullOrWhiteSpace(f.Description)));
    }

    private SinkOptionsParseResult Parse(RoutingMode mode, params (string, string?)[] values) =>
        _schema.Parse(Some.Config([.. values.Where(v => v.Item2 is not null)]), mode, Some.Path);

    [Fact]
    public void TheOriginalsUseEmulatorWithEmulatorBaseUrlSendsRequestsThere()
    {
        var result = Parse(RoutingMode.Static, ("queue_url", Some.QueueUrl), ("access_key_id", "test"), ("secret_access_key", "test"),
            ("use_emulator", "true"), ("emulator_base_url", "http://localstack:4566"));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var options = Assert.IsType<SqsSinkOptions>(result.Options);
        Assert.Equal(new Uri("http://localstack:4566"), options.EffectiveEndpointUrl);
        Assert.Null(options.EndpointUrl); // validation derives the endpoint, it does not rewrite the user's keys
    }

    [Theory]
    [InlineData(null, "sinks[0].destination.emulator_base_url: Required when use_emulator is true")]
    [InlineData("http://127.0.0.1:1234", "sinks[0].destination.emulator_base_url: Give either endpoint_url or use_emulator with emulator_base_url, not both.")]
    public void UseEmulatorNeedsEmulatorBaseUrlAndNoOtherEndpointUrl(string? endpointUrl, string expected)
    {
        var result = Parse(RoutingMode.Static, ("queue_url", Some.QueueUrl), ("use_task_role", "true"), ("use_emulator", "true"),
            ("endpoint_url", endpointUrl), ("emulator_base_url", endpointUrl is null ? null : "http://localstack:4566"));

        Assert.StartsWith(expected, Assert.Single(result.Errors).ToString(), StringComparison.Ordinal);
    }
}
