using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Sinks.RabbitMq.Tests;

/// <summary>Routing as Core runs it: the default route, then the static options (static) or a function's output (dynamic).</summary>
public sealed class RabbitMqSinkRoutingTests
{
    private readonly RabbitMqSink _sink = new();

    private IRoutedConsumer Routing => ((ISinkPlugin)_sink).Routing;

    private ISinkSchema Schema => ((ISinkPlugin)_sink).Schema;

    [Theory]
    [InlineData(ChangeAction.Insert, "sequin.shop.public.orders.insert")]
    [InlineData(ChangeAction.Update, "sequin.shop.public.orders.update")]
    [InlineData(ChangeAction.Delete, "sequin.shop.public.orders.delete")]
    [InlineData(ChangeAction.Read, "sequin.shop.public.orders.read")]
    public void TheDefaultsAreTheOriginals(ChangeAction action, string routingKey)
    {
        var change = Some.Change(1, action);
        var route = new Route(Routing.Keys);
        Routing.ApplyDefaultRoute(change, route);

        Assert.Equal(routingKey, route[RabbitMqSink.RoutingKeyKey]);
        Assert.Equal(change.IdempotencyKey, route[RabbitMqSink.MessageIdKey]);
        Assert.Equal("{}", route[RabbitMqSink.HeadersKey]);
        Assert.Null(route[RabbitMqSink.ExchangeKey]); // static routing or a function gives it (the key is required)
    }

    [Fact]
    public void StaticRoutingTakesTheExchangeAndHeadersFromTheOptions()
    {
        var parsed = Schema.Parse(Some.Config(("host", "h"), ("exchange", "cdc"), ("headers:source", "sequin")), RoutingMode.Static, Some.Path);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));

        var route = new Route(Routing.Keys);
        Routing.ApplyDefaultRoute(Some.Change(1), route);
        Routing.ApplyStaticRoute(parsed.Options, route);

        Assert.Equal("cdc", route[RabbitMqSink.ExchangeKey]);
        Assert.Equal("""{"source":"sequin"}""", route[RabbitMqSink.HeadersKey]);
        Assert.Equal("sequin.shop.public.orders.insert", route[RabbitMqSink.RoutingKeyKey]);
        Assert.Null(Routing.Validate(route));
    }

    [Fact]
    public void TheRouteKeysAreTheOriginals()
    {
        Assert.Equal(["exchange", "routing_key", "message_id", "headers"], Routing.Keys.Select(k => k.Name));
        Assert.True(Routing.Keys[0].Required);
        Assert.True(Routing.Keys[3].IsMap);
        Assert.Null(Routing.Keys[1].Check(string.Empty)); // an empty routing key is valid AMQP (fanout, the default exchange)
        Assert.NotNull(Routing.Keys[0].Check(new string('x', 256)));
    }

    [Fact]
    public void ARouteOverAmqpsShortStringLimitIsRefusedNamingTheKey()
    {
        var route = new Route(Routing.Keys);
        Routing.ApplyDefaultRoute(Some.Change(1), route);
        route[RabbitMqSink.ExchangeKey] = "cdc";
        route[RabbitMqSink.RoutingKeyKey] = new string('é', 200); // 200 characters, 400 bytes

        Assert.Equal("Route key 'routing_key' is 400 bytes in UTF-8: AMQP allows at most 255.", Routing.Validate(route));
    }

    [Fact]
    public void TheDefaultRoutingFunctionNamesAnExchangeEveryBrokerHasAndTheDefaultRoutingKey()
    {
        Assert.Contains("exchange: \"amq.topic\"", Routing.DefaultRoutingFunction, StringComparison.Ordinal);
        Assert.Contains("routing_key: `sequin.${metadata.database_name}.${metadata.table_schema}.${metadata.table_name}.${action}`", Routing.DefaultRoutingFunction, StringComparison.Ordinal);
    }

    [Fact]
    public void BatchesNeverMixExchanges()
    {
        var limits = ((ISinkPlugin)_sink).GetLimits(new RabbitMqSinkOptions());

        Assert.Equal([RabbitMqSink.ExchangeKey], limits.BatchBy);
        Assert.Equal(1000, limits.MaxBatchMessages);
        Assert.Equal(RabbitMqSink.MaxMessageBytes, limits.MaxMessageBytes);
    }
}
