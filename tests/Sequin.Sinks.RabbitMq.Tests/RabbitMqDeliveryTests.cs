using System.Net;
using System.Net.Sockets;
using System.Text;
using RabbitMQ.Client;
using Sequin.Sinks;

namespace Sequin.Sinks.RabbitMq.Tests;

/// <summary>The delivery against a real RabbitMQ broker: confirmed publishes, message properties, returns, a missing exchange, credentials.</summary>
public sealed class RabbitMqDeliveryTests(RabbitMqServerFixture rabbit) : IClassFixture<RabbitMqServerFixture>
{
    [Fact]
    public async Task ABatchIsConfirmedAndEachMessageCarriesItsIdHeadersContentTypeAndPersistence()
    {
        var queue = await rabbit.QueueAsync("amq.topic", "sequin.shop.public.orders.*");
        await using var delivery = RabbitMqDelivery.Create(rabbit.Options(), Some.Context());
        var batch = new SinkBatch("b", [Some.Routed(1, "amq.topic", headers: """{"tenant":"7"}"""), Some.Routed(2, "amq.topic"), Some.Routed(3, "amq.topic")]);

        var outcomes = await delivery.DeliverAsync(batch, CancellationToken.None);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.Error));
        var received = await rabbit.DrainAsync(queue);
        Assert.Equal(3, received.Count);
        var byId = received.ToDictionary(m => m.BasicProperties.MessageId!);
        for (var i = 0; i < 3; i++)
        {
            var message = byId[batch.Messages[i].Message.IdempotencyKey];
            Assert.Equal("sequin.shop.public.orders.insert", message.RoutingKey);
            Assert.Equal(batch.Messages[i].Payload.ToArray(), message.Body.ToArray());
            Assert.Equal(DeliveryModes.Persistent, message.BasicProperties.DeliveryMode);
            Assert.Equal("application/json", message.BasicProperties.ContentType);
        }

        var first = byId[batch.Messages[0].Message.IdempotencyKey];
        Assert.Equal("7", Encoding.UTF8.GetString((byte[])first.BasicProperties.Headers!["tenant"]!));
    }

    [Fact]
    public async Task ALargeBatchIsPublishedAtOnceAndEveryConfirmationAwaited()
    {
        var queue = await rabbit.QueueAsync("amq.topic", "large.#");
        await using var delivery = RabbitMqDelivery.Create(rabbit.Options(), Some.Context());
        var batch = new SinkBatch("b", [.. Enumerable.Range(1, 1000).Select(i => Some.Routed(i, "amq.topic", routingKey: "large.orders"))]);

        var outcomes = await delivery.DeliverAsync(batch, CancellationToken.None);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.Error));
        Assert.Equal(1000, (await rabbit.DrainAsync(queue)).Select(m => m.BasicProperties.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task AMissingExchangeFailsItsBatchPermanentlyAndTheNextBatchGoesThrough()
    {
        var queue = await rabbit.QueueAsync("amq.topic", "after.missing");
        await using var delivery = RabbitMqDelivery.Create(rabbit.Options(), Some.Context());

        var missing = await delivery.DeliverAsync(new SinkBatch("b", [Some.Routed(1, "no-such-exchange"), Some.Routed(2, "no-such-exchange")]), CancellationToken.None);
        var next = Assert.Single(await delivery.DeliverAsync(new SinkBatch("b", [Some.Routed(3, "amq.topic", routingKey: "after.missing")]), CancellationToken.None));

        Assert.All(missing, o => Assert.Equal(DeliveryStatus.Permanent, o.Status));
        Assert.Contains($"RabbitMQ at 127.0.0.1:{rabbit.Server.Port} (virtual host '/') has no exchange 'no-such-exchange'", missing[0].Error, StringComparison.Ordinal);
        Assert.Contains("404 NOT_FOUND", missing[0].Error, StringComparison.Ordinal);
        Assert.True(next.IsDelivered, next.Error);
        Assert.Single(await rabbit.DrainAsync(queue));
    }

    [Fact]
    public async Task AMessageNoQueueTakesIsReturnedAsAPermanentFailureUnlessMandatoryIsOff()
    {
        await using var mandatory = RabbitMqDelivery.Create(rabbit.Options(), Some.Context());
        await using var dropping = RabbitMqDelivery.Create(rabbit.Options(mandatory: false), Some.Context());
        var message = Some.Routed(1, "amq.topic", routingKey: "nobody.listens.here");

        var returned = Assert.Single(await mandatory.DeliverAsync(new SinkBatch("b", [message]), CancellationToken.None));
        var dropped = Assert.Single(await dropping.DeliverAsync(new SinkBatch("b", [message]), CancellationToken.None));

        Assert.Equal(DeliveryStatus.Permanent, returned.Status);
        Assert.Contains("exchange 'amq.topic' routed it to no queue (routing key 'nobody.listens.here'; 312 NO_ROUTE)", returned.Error, StringComparison.Ordinal);
        Assert.True(dropped.IsDelivered, dropped.Error);
    }

    [Fact]
    public async Task TheConnectionTestNamesTheBrokerAndChecksTheExchangeInStaticRouting()
    {
        await using var existing = RabbitMqDelivery.Create(rabbit.Options("amq.direct"), Some.Context());
        await using var missing = RabbitMqDelivery.Create(rabbit.Options("not-declared"), Some.Context());

        var ok = await existing.TestConnectionAsync(CancellationToken.None);
        var credentials = await missing.TestCredentialsAsync(CancellationToken.None);
        var failed = await missing.TestConnectionAsync(CancellationToken.None);

        Assert.True(ok.Success, ok.Message);
        Assert.Matches(@"^RabbitMQ 3\.[0-9.]+ at 127\.0\.0\.1:[0-9]+ \(virtual host '/'\) accepted user 'sequin'; exchange 'amq.direct' exists\.$", ok.Message);
        Assert.True(credentials.Success, credentials.Message);
        Assert.False(failed.Success);
        Assert.Contains("but it has no exchange 'not-declared': create it, or set 'exchange' to one that exists", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongPasswordFailsTheTestAndDeliveriesClearlyWithoutShowingIt()
    {
        await using var delivery = RabbitMqDelivery.Create(rabbit.Options(password: "wrong-pw-31"), Some.Context());

        var test = await delivery.TestConnectionAsync(CancellationToken.None);
        var outcome = Assert.Single(await delivery.DeliverAsync(new SinkBatch("b", [Some.Routed(5, "amq.topic")]), CancellationToken.None));

        Assert.False(test.Success);
        Assert.Contains("refused the credentials (user 'sequin'): check 'username' and 'password'", test.Message, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Retryable, outcome.Status);
        Assert.Contains("refused the credentials", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pw-31", test.Message + outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownVirtualHostIsNamedInTheTest()
    {
        var options = rabbit.Options();
        options.VirtualHost = "no-such-vhost";
        await using var delivery = RabbitMqDelivery.Create(options, Some.Context());

        var test = await delivery.TestCredentialsAsync(CancellationToken.None);

        Assert.False(test.Success);
        Assert.Contains("'no-such-vhost'", test.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABrokerThatRefusesConnectionsGivesRetryableOutcomesNotExceptions()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var delivery = RabbitMqDelivery.Create(new RabbitMqSinkOptions { Host = "127.0.0.1", Port = port, Exchange = "x", TimeoutMs = 2_000 }, Some.Context());

        var outcomes = await delivery.DeliverAsync(new SinkBatch("b", [Some.Routed(1, "x"), Some.Routed(2, "x")]), CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(DeliveryStatus.Retryable, o.Status));
        Assert.Contains($"RabbitMQ at 127.0.0.1:{port} (virtual host '/') cannot be reached", outcomes[0].Error, StringComparison.Ordinal);
    }
}
