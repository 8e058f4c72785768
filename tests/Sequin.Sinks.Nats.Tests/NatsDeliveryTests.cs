using System.Net;
using System.Net.Sockets;
using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Sequin.Sinks;

namespace Sequin.Sinks.Nats.Tests;

/// <summary>The delivery against a real nats-server: JetStream acknowledgements and deduplication, core NATS, failures.</summary>
public sealed class NatsDeliveryTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>
{
    [Fact]
    public async Task ASubjectAStreamCapturesIsPublishedThroughJetStreamAndARedeliveryIsDeduplicated()
    {
        var js = new NatsJSContext(nats.Client);
        await js.CreateStreamAsync(new StreamConfig("ORDERS_JS", ["js.orders.>"]));
        await using var delivery = NatsDelivery.Create(nats.Options(), Some.Context());
        var batch = new SinkBatch("b", [Some.Routed(1, "js.orders.insert"), Some.Routed(2, "js.orders.insert")]);

        var first = await delivery.DeliverAsync(batch, CancellationToken.None);
        var again = await delivery.DeliverAsync(batch, CancellationToken.None); // as after a crash before the acknowledgement

        Assert.All(first.Concat(again), o => Assert.True(o.IsDelivered, o.Error));
        var stream = await js.GetStreamAsync("ORDERS_JS");
        Assert.Equal(2, stream.Info.State.Messages);
        var consumer = await js.CreateOrUpdateConsumerAsync("ORDERS_JS", new ConsumerConfig("reader"));
        var stored = new List<(string MsgId, string Body)>();
        for (var i = 0; i < 2; i++)
        {
            var message = await consumer.NextAsync<byte[]>() ?? throw new InvalidOperationException("no message in ORDERS_JS");
            stored.Add((message.Headers!["Nats-Msg-Id"].ToString(), Encoding.UTF8.GetString(message.Data!)));
        }

        // Different rows: Core orders a row's changes, not rows against each other.
        var byKey = stored.ToDictionary(m => m.MsgId, m => m.Body);
        Assert.Contains("\"id\":1", byKey[batch.Messages[0].Message.IdempotencyKey], StringComparison.Ordinal);
        Assert.Contains("\"id\":2", byKey[batch.Messages[1].Message.IdempotencyKey], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASubjectNoStreamCapturesIsPublishedWithCoreNatsWithTheHeader()
    {
        await using var subscription = await nats.Client.SubscribeCoreAsync<byte[]>("core.orders.insert");
        await using var delivery = NatsDelivery.Create(nats.Options(), Some.Context());
        var message = Some.Routed(3, "core.orders.insert");

        var outcomes = await delivery.DeliverAsync(new SinkBatch("b", [message]), CancellationToken.None);

        Assert.True(Assert.Single(outcomes).IsDelivered, outcomes[0].Error);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = await subscription.Msgs.ReadAsync(cts.Token);
        Assert.Equal(message.Message.IdempotencyKey, received.Headers!["Nats-Msg-Id"].ToString());
        Assert.Equal(message.Payload.ToArray(), received.Data);
    }

    [Fact]
    public async Task TheRoutesHeadersAreSentAndAGivenNatsMsgIdReplacesTheIdempotencyKey()
    {
        var js = new NatsJSContext(nats.Client);
        await js.CreateStreamAsync(new StreamConfig("HEADERS_JS", ["headers.>"]));
        await using var delivery = NatsDelivery.Create(nats.Options(), Some.Context());
        var plain = Some.Routed(5, "headers.orders");
        plain.Route[NatsSink.HeadersKey] = "{\"tenant\":\"7\",\"priority\":2}";
        var ownId = Some.Routed(6, "headers.orders");
        ownId.Route[NatsSink.HeadersKey] = "{\"Nats-Msg-Id\":\"order-6-v1\"}";

        var outcomes = await delivery.DeliverAsync(new SinkBatch("b", [plain, ownId]), CancellationToken.None);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.Error));
        var consumer = await js.CreateOrUpdateConsumerAsync("HEADERS_JS", new ConsumerConfig("reader"));
        var stored = new List<NatsHeaders>();
        for (var i = 0; i < 2; i++)
        {
            stored.Add((await consumer.NextAsync<byte[]>() ?? throw new InvalidOperationException("no message in HEADERS_JS")).Headers!);
        }

        var first = Assert.Single(stored, h => h["Nats-Msg-Id"].ToString() == plain.Message.IdempotencyKey);
        Assert.Equal("7", first["tenant"].ToString());
        Assert.Equal("2", first["priority"].ToString());
        Assert.Single(stored, h => h["Nats-Msg-Id"].ToString() == "order-6-v1");
    }

    [Fact]
    public async Task JetStreamModeRetriesASubjectNoStreamCaptures()
    {
        await using var delivery = NatsDelivery.Create(nats.Options(NatsPublishMode.JetStream), Some.Context());

        var outcome = Assert.Single(await delivery.DeliverAsync(new SinkBatch("b", [Some.Routed(4, "nostream.orders.insert")]), CancellationToken.None));

        Assert.Equal(DeliveryStatus.Retryable, outcome.Status);
        Assert.Contains("No JetStream stream", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("'nostream.orders.insert'", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConnectionTestNamesTheServerVersionAndJetStream()
    {
        await using var delivery = NatsDelivery.Create(nats.Options(), Some.Context());

        var result = await delivery.TestConnectionAsync(CancellationToken.None);

        Assert.True(result.Success, result.Message);
        Assert.Matches(@"^NATS 2\.[0-9.]+ at 127\.0\.0\.1:[0-9]+ answered PING in [0-9.]+ ms; JetStream enabled\.$", result.Message);
    }

    [Fact]
    public async Task AWrongPasswordFailsTheTestAndDeliveriesClearlyWithoutShowingIt()
    {
        await using var delivery = NatsDelivery.Create(nats.Options(password: "wrong-pw-77"), Some.Context());

        var test = await delivery.TestConnectionAsync(CancellationToken.None);
        var outcome = Assert.Single(await delivery.DeliverAsync(new SinkBatch("b", [Some.Routed(5, "js.orders.insert")]), CancellationToken.None));

        Assert.False(test.Success);
        Assert.Contains("refused the credentials (user 'sequin'): check 'username' and 'password'", test.Message, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Retryable, outcome.Status);
        Assert.Contains("refused the credentials", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pw-77", test.Message + outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerThatRefusesConnectionsGivesRetryableOutcomesNotExceptions()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var delivery = NatsDelivery.Create(new NatsSinkOptions { Host = "127.0.0.1", Port = port, TimeoutMs = 2_000 }, Some.Context());

        var outcomes = await delivery.DeliverAsync(new SinkBatch("b", [Some.Routed(1, "a.b"), Some.Routed(2, "a.b")]), CancellationToken.None);
        var test = await delivery.TestConnectionAsync(CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(DeliveryStatus.Retryable, o.Status));
        Assert.Contains($"NATS at 127.0.0.1:{port}", outcomes[0].Error, StringComparison.Ordinal);
        Assert.False(test.Success);
    }
}
