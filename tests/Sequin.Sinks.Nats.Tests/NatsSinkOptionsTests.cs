using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Sinks.Nats.Tests;

/// <summary>The <c>destination:</c> section as Core parses it, and the routing of a change to a subject.</summary>
public sealed class NatsSinkOptionsTests
{
    private readonly ISinkPlugin _sink = new NatsSink();

    [Fact]
    public void AValidSectionParsesEveryKeyWithItsDefaults()
    {
        var result = _sink.Schema.Parse(Some.Config(("host", "nats.internal"), ("username", "sequin"), ("password", "pw"), ("publish_mode", "jetstream")), RoutingMode.Dynamic, Some.Path);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var options = Assert.IsType<NatsSinkOptions>(result.Options);
        Assert.Equal(("nats.internal", 4222, "sequin", "pw", false, NatsPublishMode.JetStream, 15_000), (options.Host, options.Port, options.Username, options.Password, options.Tls, options.PublishMode, options.TimeoutMs));
    }

    [Fact]
    public void MistakesAreReportedOnTheirKeysAndThePasswordIsNeverShown()
    {
        var result = _sink.Schema.Parse(Some.Config(("port", "70000"), ("password", "s3cret-pw"), ("publish_mode", "sometimes")), RoutingMode.Dynamic, Some.Path);

        Assert.Equal(
            [Some.Path + ".host", Some.Path + ".port", Some.Path + ".publish_mode", Some.Path + ".username"],
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.All(result.Errors, e => Assert.DoesNotContain("s3cret-pw", e.Message, StringComparison.Ordinal));
        var exported = _sink.Schema.Export(new NatsSinkOptions { Host = "h", Username = "u", Password = "s3cret-pw" });
        Assert.Contains(exported, kv => kv.Key == "password");
        Assert.DoesNotContain(exported, kv => kv.Value.Contains("s3cret-pw", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ChangeAction.Insert, "sequin.shop.public.orders.insert")]
    [InlineData(ChangeAction.Delete, "sequin.shop.public.orders.delete")]
    public void TheDefaultSubjectIsSequinDatabaseSchemaTableAction(ChangeAction action, string subject)
    {
        var route = new Route(_sink.Routing.Keys);
        _sink.Routing.ApplyDefaultRoute(Some.Change(1, action), route);

        Assert.Equal(subject, route[NatsSink.SubjectKey]);
        Assert.Null(_sink.Routing.Keys.Single(k => k.Name == NatsSink.SubjectKey).Check(subject));
        Assert.Null(route[NatsSink.HeadersKey]); // none by default: Nats-Msg-Id is added by the delivery
    }

    [Theory]
    [InlineData("orders.*")]
    [InlineData("orders.>")]
    [InlineData("with space")]
    [InlineData("")]
    public void ASubjectWithWildcardsSpacesOrNothingIsRefused(string subject) =>
        Assert.NotNull(_sink.Routing.Keys.Single(k => k.Name == NatsSink.SubjectKey).Check(subject));

    [Theory]
    [InlineData("{\"bad name\":\"x\"}", "header name \"bad name\"")]
    [InlineData("{\"a:b\":\"x\"}", "header name \"a:b\"")]
    [InlineData("{\"X-Ok\":\"two\\nlines\"}", "line break in the value of header \"X-Ok\"")]
    public void HeadersNatsCannotCarryAreRefusedNamingTheHeader(string headers, string expected)
    {
        var route = new Route(_sink.Routing.Keys);
        route[NatsSink.SubjectKey] = "orders";
        route[NatsSink.HeadersKey] = headers;

        Assert.Contains(expected, _sink.Routing.Validate(route), StringComparison.Ordinal);
    }

    [Fact]
    public void TheSubjectAndHeadersAreRoutableAsInTheOriginal()
    {
        Assert.Equal(["subject", "headers"], _sink.Routing.Keys.Select(k => k.Name));
        Assert.True(_sink.Routing.Keys.Single(k => k.Name == NatsSink.HeadersKey).IsMap);
        Assert.All(_sink.Schema.Fields, f => Assert.False(f.Routable));
        Assert.Contains("metadata.database_name", _sink.Routing.DefaultRoutingFunction, StringComparison.Ordinal);
    }
}
