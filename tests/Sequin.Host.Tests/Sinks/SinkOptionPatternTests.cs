using Microsoft.Extensions.Configuration;
using Sequin.Sinks;

namespace Sequin.Host.Tests.Sinks;

/// <summary>
/// A <see cref="SinkOptionAttribute.Pattern"/> is checked when the key is parsed (the error names the key and says what
/// was expected) and, on a routable key, on every route's value too.
/// </summary>
public sealed class SinkOptionPatternTests
{
    private readonly ISinkPlugin _sink = new PatternSink();

    [Fact]
    public void AValueThatDoesNotMatchThePatternIsAnErrorOnItsKeySayingWhatWasExpected()
    {
        var result = Parse(("bucket", "Bad Bucket"), ("zone", "eu-1"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("d.bucket", error.Path);
        Assert.Equal("Must be a bucket name (lower-case letters and digits) (got 'Bad Bucket').", error.Message);
    }

    [Fact]
    public void ASecretThatDoesNotMatchIsNotEchoed()
    {
        var result = Parse(("bucket", "ok"), ("zone", "eu-1"), ("token", "hunter 2"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("d.token", error.Path);
        Assert.DoesNotContain("hunter", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Must be in the expected format", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MatchingValuesParse()
    {
        var result = Parse(("bucket", "orders2"), ("zone", "eu-1"), ("token", "t0k3n"));

        Assert.Empty(result.Errors);
        Assert.Equal(("orders2", "eu-1"), (((PatternOptions)result.Options).Bucket, ((PatternOptions)result.Options).Zone));
    }

    [Fact]
    public void ARoutableKeysRouteValuesMustMatchItsPatternToo()
    {
        var key = Assert.Single(_sink.Routing.Keys);

        Assert.Equal("bucket", key.Name);
        Assert.Null(key.Check("orders"));
        Assert.Equal("Route key 'bucket' value \"Orders\" is not a bucket name (lower-case letters and digits).", key.Check("Orders"));
    }

    private SinkOptionsParseResult Parse(params (string Key, string Value)[] values) =>
        _sink.Schema.Parse(
            new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build(),
            RoutingMode.Static,
            "d");

    private sealed class PatternOptions
    {
        [SinkOption("The bucket.", Routable = true, Pattern = "^[a-z0-9]+$", PatternDescription = "a bucket name (lower-case letters and digits)")]
        public string? Bucket { get; set; }

        [SinkOption("The zone.", Required = true, Pattern = "^[a-z]+-[0-9]$")]
        public string Zone { get; set; } = string.Empty;

        [SinkOption("The token.", Secret = true, Pattern = "^[a-z0-9]+$")]
        public string? Token { get; set; }
    }

    private sealed class PatternSink : Sink<PatternOptions>
    {
        public override string TypeName => "pattern";

        public override string Description => "Pattern.";

        public override ISinkDelivery CreateDelivery(PatternOptions options, SinkContext context) => throw new NotSupportedException();
    }
}
