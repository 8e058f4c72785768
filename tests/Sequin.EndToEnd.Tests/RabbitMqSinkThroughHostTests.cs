using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Postgres changes reach a real RabbitMQ broker through the real host, with the RabbitMQ sink loaded from the plugins
/// folder: the original's <c>sequin.yaml</c> example (static routing) delivering inserts, updates and deletes with the
/// default routing keys and message ids, a routing function sending two tables to two exchanges, the broker stopped for
/// 10 s mid-stream and restarted losing nothing, a missing exchange parking its message while the slot advances, and a
/// wrong password failing <c>sequin test-connection</c>. One broker for the class (a start takes 8 to 15 s).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RabbitMqSinkThroughHostTests(PostgresFixture postgres, RabbitMqSinkThroughHostTests.Broker rabbit)
    : IClassFixture<RabbitMqSinkThroughHostTests.Broker>
{
    private const string User = "sequin";
    private const string Password = "e2e-rabbit-pw-4a7";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    private RabbitMqServer Rabbit => rabbit.Server;

    [Fact]
    public async Task TheOriginalsExampleDeliversChangesWithTheDefaultRoutingKeysAndMessageIds()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "rabbit_default");
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, v int)");
        await DeclareExchangeAsync("my-exchange", ExchangeType.Topic);
        var queue = await QueueAsync("my-exchange", "sequin.db.public.orders.*");
        // The rabbitmq destination of the original's reference (docs/reference/sequin-yaml.mdx), comments included, with
        // this broker's address and user.
        var config = scenario.WriteConfig(destinationType: "rabbitmq");
        File.WriteAllText(config, File.ReadAllText(config).Replace("type: rabbitmq", $"""
            type: "rabbitmq"              # Required
                  host: "127.0.0.1"             # Required
                  port: {Rabbit.Port}                    # Required
                  exchange: "my-exchange"       # Required
                  username: "{User}"            # Optional, default: guest
                  password: "{Password}"        # Optional, default: guest
                  virtual_host: "/"             # Optional, default: /
                  tls: false                    # Optional, enable TLS, default: false
            """, StringComparison.Ordinal));
        await using var host = SequinHostProcess.Start(config);
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO orders VALUES (1, 10), (2, 20)");
        await scenario.ExecuteAsync("UPDATE orders SET v = 11 WHERE id = 1");
        await scenario.ExecuteAsync("DELETE FROM orders WHERE id = 2");
        var messages = await ReadAsync(queue, 4, host);
        Assert.Equal(0, await host.StopAsync());

        // Rows 1 and 2 are delivered in parallel: each row's changes are in order, the rows interleave freely.
        var prefix = "sequin.db.public.orders."; // db: the database's name in sequin.yaml (metadata.database_name)
        var row1 = messages.Where(m => (int)m.Body["record"]!["id"]! == 1).ToList();
        var row2 = messages.Where(m => (int)m.Body["record"]!["id"]! == 2).ToList();
        Assert.Equal([prefix + "insert", prefix + "update"], row1.Select(m => m.RoutingKey));
        Assert.Equal([prefix + "insert", prefix + "delete"], row2.Select(m => m.RoutingKey));
        Assert.Equal(["insert", "update"], row1.Select(m => (string)m.Body["action"]!));
        Assert.Equal(11, (int)row1[1].Body["record"]!["v"]!);
        Assert.All(messages, m => Assert.Equal((string?)m.Body["metadata"]!["idempotency_key"], m.MessageId));
        Assert.All(messages, m => Assert.True(m.Persistent));
        Assert.Contains("Loaded sink plugin rabbitmq", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoutingFunctionSendsTwoTablesToTwoExchangesWithItsHeaders()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "rabbit_dynamic");
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, v int); CREATE TABLE customers (id int PRIMARY KEY, name text)");
        await DeclareExchangeAsync("orders-fanout", ExchangeType.Fanout);
        await DeclareExchangeAsync("customers-fanout", ExchangeType.Fanout);
        var ordersQueue = await QueueAsync("orders-fanout", string.Empty);
        var customersQueue = await QueueAsync("customers-fanout", string.Empty);
        var functions = """
              - name: by-table
                type: routing
                sink_type: rabbitmq
                code: |-
                  function route(action, record, changes, metadata) {
                    return {
                      exchange: metadata.table_name + "-fanout",
                      routing_key: metadata.table_name + "." + action,
                      headers: { "table": metadata.table_name }
                    };
                  }
            """;
        await using var host = SequinHostProcess.Start(scenario.WriteConfig("routing: by-table", "rabbitmq", Destination(), functions));
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO orders VALUES (1, 10), (2, 20)");
        await scenario.ExecuteAsync("INSERT INTO customers VALUES (7, 'Ada'), (8, 'Grace'), (9, 'Edsger')");
        var orders = await ReadAsync(ordersQueue, 2, host);
        var customers = await ReadAsync(customersQueue, 3, host);
        Assert.Equal(0, await host.StopAsync());

        Assert.Equal([1, 2], orders.Select(m => (int)m.Body["record"]!["id"]!).Order());
        Assert.Equal([7, 8, 9], customers.Select(m => (int)m.Body["record"]!["id"]!).Order());
        Assert.All(orders, m => Assert.Equal(("orders.insert", "orders"), (m.RoutingKey, m.TableHeader)));
        Assert.All(customers, m => Assert.Equal(("customers.insert", "customers"), (m.RoutingKey, m.TableHeader)));
        Assert.All(orders.Concat(customers), m => Assert.Equal((string?)m.Body["metadata"]!["idempotency_key"], m.MessageId));
    }

    [Fact]
    public async Task BrokerStoppedForTenSecondsMidStreamAndRestartedLosesNothingAndKeepsEachRowsOrder()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "rabbit_outage");
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, v int)");
        await DeclareExchangeAsync("outage", ExchangeType.Fanout);
        var queue = await QueueAsync("outage", string.Empty);
        await using var host = SequinHostProcess.Start(scenario.WriteConfig(destinationType: "rabbitmq", destinationFields: Destination(("exchange", "outage"), ("timeout_ms", "2000"))));
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO orders SELECT g, 0 FROM generate_series(1, 5) g");
        await WaitForQueueAsync(queue, 5, host);

        await rabbit.DisconnectAsync();
        await Rabbit.StopAsync();
        var stopped = Stopwatch.StartNew();
        for (var v = 1; v <= 10; v++)
        {
            await scenario.ExecuteAsync($"UPDATE orders SET v = {v}");
        }

        // Down for 10 s at least, and long enough for the host to have failed a delivery naming the broker.
        await Eventually.UntilAsync(
            () => stopped.Elapsed >= TimeSpan.FromSeconds(10) && host.Output.Contains($"failed: RabbitMQ at 127.0.0.1:{Rabbit.Port}", StringComparison.Ordinal),
            () => $"10 s passed and the host logged a failed delivery naming the broker; output:\n{host.Output}",
            Wait);
        await Rabbit.StartAsync();
        await rabbit.ConnectAsync();

        var messages = await ReadAsync(queue, 55, host, TimeSpan.FromMinutes(3));
        Assert.Equal(0, await host.StopAsync());

        // At least once: a change published but not confirmed before the stop is published again; each change is
        // there, the first copy of each in order per row.
        var distinct = messages.DistinctBy(m => m.MessageId).ToList();
        Assert.Equal(55, distinct.Count);
        foreach (var id in Enumerable.Range(1, 5))
        {
            Assert.Equal(Enumerable.Range(0, 11), distinct.Where(m => (int)m.Body["record"]!["id"]! == id).Select(m => (int)m.Body["record"]!["v"]!));
        }
    }

    [Fact]
    public async Task AMissingExchangeParksTheMessageAndTheSlotAdvancesPastIt()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "rabbit_park");
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, v int)");
        await DeclareExchangeAsync("park-ok", ExchangeType.Fanout);
        var queue = await QueueAsync("park-ok", string.Empty);
        var functions = """
              - name: poison-to-nowhere
                type: routing
                sink_type: rabbitmq
                code: |-
                  function route(action, record, changes, metadata) {
                    return { exchange: record.v < 0 ? "no-such-exchange" : "park-ok" };
                  }
            """;
        await using var host = SequinHostProcess.Start(scenario.WriteConfig("routing: poison-to-nowhere\npark_after_failures: 2", "rabbitmq", Destination(), functions));
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO orders VALUES (1, -1)");
        var afterPoison = await scenario.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");
        await scenario.ExecuteAsync("INSERT INTO orders VALUES (2, 20)");
        var delivered = await ReadAsync(queue, 1, host);
        await Eventually.UntilAsync(
            async () => await scenario.ScalarAsync<bool>("SELECT to_regclass('sequin_state.parked_messages') IS NOT NULL")
                && await scenario.ScalarAsync<long>("SELECT count(*) FROM sequin_state.parked_messages") == 1,
            () => "the row routed to a missing exchange is parked; host output:\n" + host.Output,
            Wait);
        await Eventually.UntilAsync(
            async () => await scenario.ConfirmedFlushAsync() >= (ulong)afterPoison,
            () => "the slot advanced past the parked row; host output:\n" + host.Output,
            Wait);

        Assert.Equal(2, (int)Assert.Single(delivered).Body["record"]!["id"]!);
        Assert.Contains(
            $"RabbitMQ at 127.0.0.1:{Rabbit.Port} (virtual host '/') has no exchange 'no-such-exchange'",
            await scenario.ScalarAsync<string>("SELECT last_error FROM sequin_state.parked_messages"),
            StringComparison.Ordinal);
        Assert.Equal(0, await host.StopAsync());
    }

    [Fact]
    public async Task TestConnectionPassesWithThePasswordAndFailsClearlyWithAWrongOne()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "rabbit_auth");

        var (okExit, okOutput) = await SequinHostProcess.RunToEndAsync(
            "test-connection", "to-file", "--config", scenario.WriteConfig(destinationType: "rabbitmq", destinationFields: Destination(("exchange", "amq.topic"))), "--plugins-dir", BuildPaths.Plugins);
        var (exit, output) = await SequinHostProcess.RunToEndAsync(
            "test-connection", "to-file", "--config", scenario.WriteConfig(destinationType: "rabbitmq", destinationFields: Destination(("exchange", "amq.topic"), ("password", "not-the-password-9c4"))), "--plugins-dir", BuildPaths.Plugins);

        Assert.True(okExit == 0, $"test-connection exited {okExit}:\n{okOutput}");
        Assert.Contains("exchange 'amq.topic' exists", okOutput, StringComparison.Ordinal);
        Assert.NotEqual(0, exit);
        Assert.Contains($"RabbitMQ at 127.0.0.1:{Rabbit.Port} (virtual host '/') refused the credentials (user 'sequin'): check 'username' and 'password'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-9c4", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, okOutput + output, StringComparison.Ordinal);
    }

    private async Task DeclareExchangeAsync(string name, string type)
    {
        await using var channel = await rabbit.Client.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(name, type, durable: true);
    }

    // A durable queue bound to the exchange: it keeps what it holds across a broker restart.
    private async Task<string> QueueAsync(string exchange, string bindingKey)
    {
        await using var channel = await rabbit.Client.CreateChannelAsync();
        var queue = "e2e-" + Guid.NewGuid().ToString("N")[..8];
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, exchange, bindingKey);
        return queue;
    }

    private Task WaitForQueueAsync(string queue, int count, ChildProcess host, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(
            async () =>
            {
                try
                {
                    await using var channel = await rabbit.Client.CreateChannelAsync();
                    return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount >= count;
                }
                catch (Exception ex) when (ex is OperationInterruptedException or BrokerUnreachableException or IOException)
                {
                    return false;
                }
            },
            () => $"{count} messages in queue {queue}; host output:\n{host.Output}",
            timeout ?? Wait);

    // Waits until the queue holds `count` messages, then takes them all (acknowledged), in queue order.
    private async Task<List<Received>> ReadAsync(string queue, int count, ChildProcess host, TimeSpan? timeout = null)
    {
        await WaitForQueueAsync(queue, count, host, timeout);
        await using var channel = await rabbit.Client.CreateChannelAsync();
        var result = new List<Received>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            var table = message.BasicProperties.Headers?.TryGetValue("table", out var value) == true && value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : null;
            result.Add(new Received(
                message.RoutingKey,
                message.BasicProperties.MessageId,
                message.BasicProperties.DeliveryMode == DeliveryModes.Persistent,
                table,
                JsonNode.Parse(Encoding.UTF8.GetString(message.Body.Span))!));
        }

        return result;
    }

    private Dictionary<string, string> Destination(params (string Key, string Value)[] extra)
    {
        var fields = new Dictionary<string, string>
        {
            ["host"] = "127.0.0.1",
            ["port"] = Rabbit.Port.ToString(CultureInfo.InvariantCulture),
            ["username"] = User,
            ["password"] = Password,
        };
        foreach (var (key, value) in extra)
        {
            fields[key] = value;
        }

        return fields;
    }

    private sealed record Received(string RoutingKey, string? MessageId, bool Persistent, string? TableHeader, JsonNode Body);

    /// <summary>The class's broker (started once; the outage test stops and restarts it) and the tests' own connection to it.</summary>
    public sealed class Broker : IAsyncLifetime
    {
        public RabbitMqServer Server { get; private set; } = null!;

        public IConnection Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Server = await RabbitMqServer.StartAsync(User, Password);
            await ConnectAsync();
        }

        public async Task ConnectAsync() => Client = await Server.ConnectAsync();

        public async Task DisconnectAsync() => await Client.DisposeAsync();

        public async Task DisposeAsync()
        {
            await Client.DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}
