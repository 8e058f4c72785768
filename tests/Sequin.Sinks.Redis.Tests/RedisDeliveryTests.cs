using System.Net;
using System.Net.Sockets;
using Sequin.Messages;
using Sequin.Sinks;
using StackExchange.Redis;

namespace Sequin.Sinks.Redis.Tests;

/// <summary>Both deliveries against a real redis-server: what lands, each command's outcome, the connection test.</summary>
public sealed class RedisDeliveryTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task AStringBatchSetsAndDeletesKeysWithTheExpiry()
    {
        await redis.Database.StringSetAsync("sequin:orders:eu-3", "old");
        await using var delivery = RedisStringDelivery.Create(redis.StringOptions(expireMs: 600_000), Some.Context());

        var outcomes = await delivery.DeliverAsync(
            new SinkBatch("b", [Some.StringMessage(1), Some.StringMessage(2, transformed: "\"two\"", expireMs: "90000"), Some.StringMessage(3, ChangeAction.Delete)]),
            CancellationToken.None);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.Error));
        var first = (string?)await redis.Database.StringGetAsync("sequin:orders:eu-1");
        Assert.Contains("\"record\":{", first, StringComparison.Ordinal);
        Assert.Equal("two", (string?)await redis.Database.StringGetAsync("sequin:orders:eu-2"));
        Assert.False(await redis.Database.KeyExistsAsync("sequin:orders:eu-3"));
        var ttl1 = await redis.Database.KeyTimeToLiveAsync("sequin:orders:eu-1");
        var ttl2 = await redis.Database.KeyTimeToLiveAsync("sequin:orders:eu-2");
        Assert.InRange(ttl1!.Value, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));
        Assert.InRange(ttl2!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task ACommandRedisRefusesFailsOnlyItsMessagePermanently()
    {
        // A key that holds a list: SET overwrites any type, but XADD to it is WRONGTYPE.
        await redis.Database.ListRightPushAsync("not-a-stream", "x");
        await using var delivery = RedisStreamDelivery.Create(redis.StreamOptions(), "redis_stream", Some.Context());

        var outcomes = await delivery.DeliverAsync(
            new SinkBatch("b", [Some.StreamMessage(1, "wrongtype-ok"), Some.StreamMessage(2, "not-a-stream"), Some.StreamMessage(3, "wrongtype-ok")]),
            CancellationToken.None);

        Assert.True(outcomes[0].IsDelivered, outcomes[0].Error);
        Assert.Equal(DeliveryStatus.Permanent, outcomes[1].Status);
        Assert.Contains("WRONGTYPE", outcomes[1].Error, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{redis.Server.Port}", outcomes[1].Error, StringComparison.Ordinal);
        Assert.True(outcomes[2].IsDelivered, outcomes[2].Error);
        Assert.Equal(2, await redis.Database.StreamLengthAsync("wrongtype-ok"));
    }

    [Fact]
    public async Task StreamEntriesArriveInBatchOrderWithTheOriginalsFields()
    {
        await using var delivery = RedisStreamDelivery.Create(redis.StreamOptions(), "redis_stream", Some.Context());

        var outcomes = await delivery.DeliverAsync(
            new SinkBatch("b", [Some.StreamMessage(1, "orders-in-order", "a"), Some.StreamMessage(1, "orders-in-order", "b", ChangeAction.Update), Some.StreamMessage(1, "orders-in-order", "c", ChangeAction.Delete)]),
            CancellationToken.None);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.Error));
        var entries = await redis.Database.StreamRangeAsync("orders-in-order");
        Assert.Equal(["insert", "update", "delete"], entries.Select(e => e["action"].ToString()));
        Assert.Equal(["record", "changes", "action", "metadata"], entries[0].Values.Select(v => v.Name.ToString()));
        Assert.Contains("\"name\":\"b\"", entries[1]["record"].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxLenTrimsEachStreamExactlyWhenAskedTo()
    {
        await using var delivery = RedisStreamDelivery.Create(redis.StreamOptions(maxLen: 2, exact: true), "redis_stream", Some.Context());

        await delivery.DeliverAsync(new SinkBatch("b", [.. Enumerable.Range(1, 5).Select(i => Some.StreamMessage(i, "trimmed"))]), CancellationToken.None);

        var entries = await redis.Database.StreamRangeAsync("trimmed");
        Assert.Equal(2, entries.Length);
        Assert.Contains("\"id\":5", entries[^1]["record"].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANonObjectMessageFailsPermanentlyWithoutStoppingTheOthers()
    {
        await using var delivery = RedisStreamDelivery.Create(redis.StreamOptions(), "redis_stream", Some.Context());

        var outcomes = await delivery.DeliverAsync(
            new SinkBatch("b", [Some.StreamMessage(1, "mixed", transformed: "\"text\""), Some.StreamMessage(2, "mixed")]),
            CancellationToken.None);

        Assert.Equal(DeliveryStatus.Permanent, outcomes[0].Status);
        Assert.True(outcomes[1].IsDelivered, outcomes[1].Error);
        Assert.Equal(1, await redis.Database.StreamLengthAsync("mixed"));
    }

    [Fact]
    public async Task TheConnectionTestPingsAndNamesTheServerVersion()
    {
        await using var delivery = RedisStringDelivery.Create(redis.StringOptions(), Some.Context());

        var result = await delivery.TestConnectionAsync(CancellationToken.None);

        Assert.True(result.Success, result.Message);
        Assert.Matches(@"^Redis 7\.[0-9.]+ at 127\.0\.0\.1:[0-9]+ answered PING", result.Message);
    }

    [Fact]
    public async Task AWrongPasswordFailsTheConnectionTestNamingTheKeyButNotThePassword()
    {
        await using var delivery = RedisStringDelivery.Create(redis.StringOptions(password: "wrong-pw-9c1e"), Some.Context());

        var result = await delivery.TestConnectionAsync(CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains("refused the credentials", result.Message, StringComparison.Ordinal);
        Assert.Contains("'password'", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pw-9c1e", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(RedisServerFixture.Password, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongPasswordMakesDeliveriesRetryableWithTheSameReason()
    {
        await using var delivery = RedisStringDelivery.Create(redis.StringOptions(password: "wrong-pw-9c1e"), Some.Context());

        var outcomes = await delivery.DeliverAsync(new SinkBatch("b", [Some.StringMessage(50)]), CancellationToken.None);

        var outcome = Assert.Single(outcomes);
        Assert.Equal(DeliveryStatus.Retryable, outcome.Status);
        Assert.Contains("refused the credentials", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pw-9c1e", outcome.Error, StringComparison.Ordinal);
        Assert.False(await redis.Database.KeyExistsAsync("sequin:orders:eu-50"));
    }

    [Fact]
    public async Task AServerThatRefusesConnectionsGivesRetryableOutcomesNotExceptions()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var options = new RedisStringSinkOptions { Host = "127.0.0.1", Port = port, TimeoutMs = 1_000 };
        await using var delivery = RedisStringDelivery.Create(options, Some.Context());

        var outcomes = await delivery.DeliverAsync(new SinkBatch("b", [Some.StringMessage(1), Some.StringMessage(2)]), CancellationToken.None);
        var test = await delivery.TestConnectionAsync(CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(DeliveryStatus.Retryable, o.Status));
        Assert.Contains($"127.0.0.1:{port}", outcomes[0].Error, StringComparison.Ordinal);
        Assert.False(test.Success);
        Assert.Contains($"127.0.0.1:{port}", test.Message, StringComparison.Ordinal);
    }
}
