using Sequin.Sinks;
using Sequin.Sinks.Sns.Tests.Support;

namespace Sequin.Sinks.Sns.Tests;

public sealed class SnsSinkSchemaTests
{
    private const string Path = "sinks[0].destination";
    private readonly ISinkSchema _schema = ((ISinkPlugin)new SnsSink()).Schema;

    private SinkOptionsParseResult Parse(RoutingMode mode, params (string, string?)[] values) =>
        _schema.Parse(Some.Config(values), mode, Path);

    [Fact]
    public void StaticModeWithKeysParsesAndInfersRegionAndFifo()
    {
        var result = Parse(RoutingMode.Static, ("type", "sns"), ("topic_arn", "arn:aws:sns:eu-west-1:123456789012:orders.fifo"), ("access_key_id", "AKID"), ("secret_access_key", "SECRET"));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var options = Assert.IsType<SnsSinkOptions>(result.Options);
        Assert.Equal("eu-west-1", options.EffectiveRegion);
        Assert.True(options.IsFifo);
        Assert.Equal(new Uri("https://sns.eu-west-1.amazonaws.com/"), options.EffectiveEndpoint);
        Assert.Equal(SnsMessageGroup.GroupId, options.MessageGroup);
    }

    [Fact]
    public void StaticModeWithoutTopicIsRejected()
    {
        var withRegion = Parse(RoutingMode.Static, ("region", "us-east-1"), ("use_task_role", "true"));
        var without = Parse(RoutingMode.Static, ("use_task_role", "true"));

        Assert.Equal(Path + ".topic_arn", Assert.Single(without.Errors).Path);
        var error = Assert.Single(withRegion.Errors);
        Assert.Equal(Path + ".topic_arn", error.Path);
        Assert.Contains("Required", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arn:aws:sqs:us-east-1:123456789012:orders")]
    [InlineData("arn:aws:sns:us-east-1:12345:orders")]
    [InlineData("arn:aws:sns:us-east-1:123456789012:bad name")]
    [InlineData("orders")]
    public void InvalidTopicArnIsRejectedWithTheExpectedShape(string arn)
    {
        var result = Parse(RoutingMode.Static, ("topic_arn", arn), ("use_task_role", "true"));

        var error = Assert.Single(result.Errors, e => e.Path == Path + ".topic_arn");
        Assert.Contains("arn:aws:sns:<region>:<12-digit account id>:<topic name>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TopicArnLongerThan2000CharactersIsRejected()
    {
        var result = Parse(RoutingMode.Static, ("topic_arn", "arn:aws:sns:us-east-1:123456789012:" + new string('a', 1970)), ("use_task_role", "true"));

        var error = Assert.Single(result.Errors);
        Assert.Contains("at most 2000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DynamicModeClearsTopicArnAndRequiresRegion()
    {
        var result = Parse(RoutingMode.Dynamic, ("topic_arn", Some.TopicArn), ("use_task_role", "true"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(Path + ".region", error.Path);
        Assert.Contains("dynamic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DynamicModeWithRegionParsesWithoutTopic()
    {
        var result = Parse(RoutingMode.Dynamic, ("topic_arn", Some.TopicArn), ("region", "us-west-2"), ("use_task_role", "true"));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var options = (SnsSinkOptions)result.Options;
        Assert.Null(options.TopicArn);
        Assert.False(options.IsFifo);
        Assert.Equal("us-west-2", options.EffectiveRegion);
    }

    [Fact]
    public void RegionDifferentFromTheArnsIsRejected()
    {
        var result = Parse(RoutingMode.Static, ("topic_arn", Some.TopicArn), ("region", "eu-west-1"), ("use_task_role", "true"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(Path + ".region", error.Path);
        Assert.Contains("us-east-1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("US-EAST-1")]
    [InlineData("us east 1")]
    public void RegionMustLookLikeAnAwsRegion(string region)
    {
        var result = Parse(RoutingMode.Dynamic, ("region", region), ("use_task_role", "true"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(Path + ".region", error.Path);
        Assert.Contains("AWS region such as us-east-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingCredentialsAreRejectedNamingBothWays()
    {
        var result = Parse(RoutingMode.Static, ("topic_arn", Some.TopicArn));

        var error = Assert.Single(result.Errors);
        Assert.Equal(Path + ".access_key_id", error.Path);
        Assert.Contains("use_task_role", error.Message, StringComparison.Ordinal);
        Assert.Contains("secret_access_key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("access_key_id", "AKID", "secret_access_key")]
    [InlineData("secret_access_key", "SECRET", "access_key_id")]
    public void HalfAKeyPairIsRejectedOnTheMissingHalf(string given, string value, string missing)
    {
        var result = Parse(RoutingMode.Static, ("topic_arn", Some.TopicArn), (given, value));

        var error = Assert.Single(result.Errors);
        Assert.Equal(Path + "." + missing, error.Path);
    }

    [Fact]
    public void TaskRoleTogetherWithKeysIsRejected()
    {
        var result = Parse(RoutingMode.Static, ("topic_arn", Some.TopicArn), ("use_task_role", "true"), ("access_key_id", "AKID"), ("secret_access_key", "SECRET"));

        var error = Assert.Single(result.Errors);
        Assert.Contains("not both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TaskRoleAloneIsEnough()
    {
        var result = Parse(RoutingMode.Static, ("topic_arn", Some.TopicArn), ("use_task_role", "true"));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.True(((SnsSinkOptions)result.Options).UseTaskRole);
    }

    [Fact]
    public void EndpointUrlMustBeHttp()
    {
        var bad = Parse(RoutingMode.Static, ("topic_arn", Some.TopicArn), ("use_task_role", "true"), ("endpoint_url", "ftp://127.0.0.1:4566"));
        var good = Parse(RoutingMode.Static, ("topic_arn", Some.TopicArn), ("use_task_role", "true"), ("endpoint_url", "http://127.0.0.1:4566"));

        Assert.Equal(Path + ".endpoint_url", Assert.Single(bad.Errors).Path);
        Assert.Equal(new Uri("http://127.0.0.1:4566"), ((SnsSinkOptions)good.Options).EffectiveEndpoint);
    }

    [Fact]
    public void MessageGroupAcceptsTableAndRejectsOthers()
    {
        var table = Parse(RoutingMode.Static, ("topic_arn", Some.FifoTopicArn), ("use_task_role", "true"), ("message_group", "table"));
        var bad = Parse(RoutingMode.Static, ("topic_arn", Some.FifoTopicArn), ("use_task_role", "true"), ("message_group", "row"));

        Assert.Equal(SnsMessageGroup.Table, ((SnsSinkOptions)table.Options).MessageGroup);
        Assert.Contains("group_id, table", Assert.Single(bad.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownFieldIsRejected()
    {
        var result = Parse(RoutingMode.Static, ("topic_arn", Some.TopicArn), ("use_task_role", "true"), ("is_fifo", "true"));

        Assert.Equal(Path + ".is_fifo", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void ExportMasksTheSecretAndDropsNulls()
    {
        var result = Parse(RoutingMode.Static, ("topic_arn", Some.TopicArn), ("access_key_id", "AKID"), ("secret_access_key", "wJalrXUtnFEMI"));

        var exported = _schema.Export(result.Options).ToDictionary(kv => kv.Key, kv => kv.Value);

        Assert.Equal(SinkSchema<SnsSinkOptions>.MaskedSecret, exported["secret_access_key"]);
        Assert.Equal("AKID", exported["access_key_id"]);
        Assert.Equal(Some.TopicArn, exported["topic_arn"]);
        Assert.False(exported.ContainsKey("region"));
        Assert.False(exported.ContainsKey("endpoint_url"));
        Assert.DoesNotContain(exported.Values, v => v.Contains("wJalr", StringComparison.Ordinal));
    }

    [Fact]
    public void FieldsDescribeRoutableAndSecretKeys()
    {
        Assert.True(_schema.Fields.Single(f => f.Name == "topic_arn").Routable);
        Assert.True(_schema.Fields.Single(f => f.Name == "secret_access_key").Secret);
        Assert.Equal(
            ["topic_arn", "message_group", "is_fifo", "region", "access_key_id", "secret_access_key", "use_task_role", "endpoint_url", "use_emulator", "emulator_base_url"],
            _schema.Fields.Select(f => f.Name));
    }

    [Fact]
    public void TheOriginalsUseEmulatorAndIsFifoAreAccepted()
    {
        var result = Parse(RoutingMode.Static, ("topic_arn", Some.FifoTopicArn), ("access_key_id", "test"), ("secret_access_key", "test"),
            ("use_emulator", "true"), ("emulator_base_url", "http://localstack:4566"), ("is_fifo", "true"));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var options = Assert.IsType<SnsSinkOptions>(result.Options);
        Assert.Equal(new Uri("http://localstack:4566"), options.EffectiveEndpointUrl);
        Assert.Equal(new Uri("http://localstack:4566"), options.EffectiveEndpoint);
        Assert.Null(options.EndpointUrl); // validation derives the endpoint, it does not rewrite the user's keys
        Assert.True(options.IsFifo);
    }

    [Fact]
    public void IsFifoThatContradictsTheTopicArnIsRejected()
    {
        var result = Parse(RoutingMode.Static, ("topic_arn", Some.TopicArn), ("use_task_role", "true"), ("is_fifo", "true"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("sinks[0].destination.is_fifo", error.Path);
        Assert.StartsWith("Is true, but topic_arn does not end in .fifo", error.Message, StringComparison.Ordinal);
    }
}
