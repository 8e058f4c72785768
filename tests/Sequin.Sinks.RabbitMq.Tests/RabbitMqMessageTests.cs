using RabbitMQ.Client;
using Sequin.Sinks.RabbitMq.Internal;

namespace Sequin.Sinks.RabbitMq.Tests;

/// <summary>What is published for a routed message: exchange, routing key and AMQP properties.</summary>
public sealed class RabbitMqMessageTests
{
    [Fact]
    public void TheDefaultRouteGivesTheIdempotencyKeyAsMessageIdPersistenceJsonAndNoHeaders()
    {
        var message = Some.Routed(4, "cdc");

        var properties = RabbitMqMessage.Properties(message);

        Assert.Equal(("cdc", "sequin.shop.public.orders.insert"), (RabbitMqMessage.Exchange(message), RabbitMqMessage.RoutingKey(message)));
        Assert.Equal(message.Message.IdempotencyKey, properties.MessageId);
        Assert.Equal(DeliveryModes.Persistent, properties.DeliveryMode);
        Assert.Equal("application/json", properties.ContentType);
        Assert.Null(properties.Headers);
    }

    [Fact]
    public void RouteHeadersBecomeAnAmqpTableOfStringsNumbersIncluded()
    {
        var message = Some.Routed(4, "cdc", headers: """{"tenant":"7","attempt":3,"Idempotency-Key":"abc"}""");

        var headers = RabbitMqMessage.Properties(message).Headers!;

        Assert.Equal(["7", "3", "abc"], new[] { headers["tenant"], headers["attempt"], headers["Idempotency-Key"] });
    }

    [Fact]
    public void ARoutingFunctionMayClearTheRoutingKeyAndTheMessageId()
    {
        var message = Some.Routed(4, "amq.fanout");
        message.Route[RabbitMqSink.RoutingKeyKey] = null;
        message.Route[RabbitMqSink.MessageIdKey] = null;

        Assert.Equal(string.Empty, RabbitMqMessage.RoutingKey(message));
        Assert.Null(RabbitMqMessage.Properties(message).MessageId);
    }
}
