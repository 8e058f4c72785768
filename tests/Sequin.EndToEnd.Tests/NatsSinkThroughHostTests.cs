using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Postgres changes reach a real nats-server (JetStream on) through the real host, with the NATS sink loaded from the
/// plugins folder: inserts, updates and deletes in a stream on the default subjects with <c>Nats-Msg-Id</c>, a routing
/// function sending two tables to two subjects, NATS stopped mid-stream and restarted losing nothing, and a wrong
/// password failing <c>sequin test-connection</c> with a clear message.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class NatsSinkThroughHostTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string User = "sequin";
    private const string Password = "e2e-nats-pw-c3f";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private NatsServer? _nats;
    private NatsConnection? _client;

    private NatsServer Nats => _nats!;

    private NatsJSContext Js => new(_client!);

    public async Task InitializeAsync()
    {
        _nats = await NatsServer.StartAsync(User, Password);
        _client = await _nats.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_nats is not null)
        {
            await _nats.DisposeAsync();
        }
    }

    [Fact]
    public async Task ChangesLandInAStreamOnTheDefaultSubjectsWithTheirIdempotencyKeys()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "nats_default");
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, v int)");
        await Js.CreateStreamAsync(new StreamConfig("SEQUIN_DEFAULT", ["sequin.>"]));
        await using var host = SequinHostProcess.Start(scenario.WriteConfig(destinationType: "nats", destinationFields: Destination()));
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO orders VALUES (1, 10), (2, 20)");
        await scenario.ExecuteAsync("UPDATE orders SET v = 11 WHERE id = 1");
        await scenario.ExecuteAsync("DELETE FROM orders WHERE id = 2");
        var messages = await ReadAsync("SEQUIN_DEFAULT", 4, host);
        Assert.Equal(0, await host.StopAsync());

        // Rows 1 and 2 are delivered in parallel: each row's changes are in order, the rows interleave freely.
        var prefix = "sequin.db.public.orders."; // db: the database's name in sequin.yaml (metadata.database_name)
        var row1 = messages.Where(m => (int)m.Body["record"]!["id"]! == 1).ToList();
        var row2 = messages.Where(m => (int)m.Body["record"]!["id"]! == 2).ToList();
        Assert.Equal([prefix + "insert", prefix + "update"], row1.Select(m => m.Subject));
        Assert.Equal([prefix + "insert", prefix + "delete"], row2.Select(m => m.Subject));
        Assert.All(messages, m => Assert.Equal((string?)m.Body["metadata"]!["idempotency_key"], m.MsgId));
        Assert.Equal(11, (int)row1[1].Body["record"]!["v"]!);
        Assert.Contains("Loaded sink plugin nats", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoutingFunctionSendsTwoTablesToTwoSubjects()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "nats_dynamic");
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, v int); CREATE TABLE customers (id int PRIMARY KEY, name text)");
        await Js.CreateStreamAsync(new StreamConfig("ROUTED", ["routed.>"]));
        var functions = """
              - name: by-table
                type: routing
                sink_type: nats
                code: |-
                  function route(action, record, changes, metadata) {
                    return { subject: metadata.table_name === "orders" ? "routed.orders" : "routed.customers" };
                  }
            """;
        await using var host = SequinHostProcess.Start(scenario.WriteConfig("routing: by-table", "nats", Destination(), functions));
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO orders VALUES (1, 10), (2, 20)");
        await scenario.ExecuteAsync("INSERT INTO customers VALUES (7, 'Ada'), (8, 'Grace'), (9, 'Edsger')");
        var messages = await ReadAsync("ROUTED", 5, host);
        Assert.Equal(0, await host.StopAsync());

        Assert.Equal([1, 2], messages.Where(m => m.Subject == "routed.orders").Select(m => (int)m.Body["record"]!["id"]!).Order());
        Assert.Equal([7, 8, 9], messages.Where(m => m.Subject == "routed.customers").Select(m => (int)m.Body["record"]!["id"]!).Order());
    }

    [Fact]
    public async Task NatsStoppedMidStreamAndRestartedLosesNothingAndKeepsEachRowsOrder()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "nats_outage");
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, v int)");
        await Js.CreateStreamAsync(new StreamConfig("OUTAGE", ["outage.>"]));
        var functions = """
              - name: to-outage
                type: routing
                sink_type: nats
                code: |-
                  function route(action, record, changes, metadata) { return { subject: "outage." + metadata.table_name }; }
            """;
        await using var host = SequinHostProcess.Start(scenario.WriteConfig("routing: to-outage", "nats", Destination(("timeout_ms", "2000"), ("publish_mode", "jetstream")), functions));
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO orders SELECT g, 0 FROM generate_series(1, 5) g");
        await ReadAsync("OUTAGE", 5, host);

        await _client!.DisposeAsync();
        _client = null;
        await Nats.StopAsync();
        for (var v = 1; v <= 10; v++)
        {
            await scenario.ExecuteAsync($"UPDATE orders SET v = {v}");
        }

        await Eventually.UntilAsync(
            () => host.Output.Contains($"failed: NATS at 127.0.0.1:{Nats.Port}", StringComparison.Ordinal),
            () => $"the host logged a failed delivery naming the server; output:\n{host.Output}",
            Wait);
        await Nats.StartAsync();
        _client = await Nats.ConnectAsync();

        var messages = await ReadAsync("OUTAGE", 55, host, TimeSpan.FromMinutes(3));
        Assert.Equal(0, await host.StopAsync());

        // JetStream dropped any redelivered Nats-Msg-Id: each change is there once, in order per row.
        Assert.Equal(55, messages.Select(m => m.MsgId).Distinct().Count());
        foreach (var id in Enumerable.Range(1, 5))
        {
            Assert.Equal(Enumerable.Range(0, 11), messages.Where(m => (int)m.Body["record"]!["id"]! == id).Select(m => (int)m.Body["record"]!["v"]!));
        }
    }

    [Fact]
    public async Task AMessageOverTheStreamsSizeLimitParksAndTheSlotAdvancesPastIt()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "nats_park");
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, note text)");
        await Js.CreateStreamAsync(new StreamConfig("PARK", ["park.>"]) { MaxMsgSize = 2048 }); // JetStream refuses larger messages (a 4xx API error)
        var functions = """
              - name: to-park
                type: routing
                sink_type: nats
                code: |-
                  function route(action, record, changes, metadata) {
                    return { subject: "park." + record.id };
                  }
            """;
        await using var host = SequinHostProcess.Start(scenario.WriteConfig("routing: to-park\npark_after_failures: 2", "nats", Destination(), functions));
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO orders VALUES (1, repeat('x', 4000))");
        var afterPoison = await scenario.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");
        await scenario.ExecuteAsync("INSERT INTO orders VALUES (2, 'small')");
        var delivered = await ReadAsync("PARK", 1, host);
        await Eventually.UntilAsync(
            async () => await scenario.ScalarAsync<bool>("SELECT to_regclass('sequin_state.parked_messages') IS NOT NULL")
                && await scenario.ScalarAsync<long>("SELECT count(*) FROM sequin_state.parked_messages") == 1,
            () => "the message over the stream's size limit is parked; host output:\n" + host.Output,
            Wait);
        await Eventually.UntilAsync(
            async () => await scenario.ConfirmedFlushAsync() >= (ulong)afterPoison,
            () => "the slot advanced past the parked row; host output:\n" + host.Output,
            Wait);

        var (subject, _, body) = Assert.Single(delivered);
        Assert.Equal("park.2", subject);
        Assert.Equal("small", (string?)body["record"]!["note"]);
        Assert.Equal(1, (await Js.GetStreamAsync("PARK")).Info.State.Messages);
        Assert.Contains("maximum", await scenario.ScalarAsync<string>("SELECT last_error FROM sequin_state.parked_messages"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await host.StopAsync());
    }

    [Fact]
    public async Task TestConnectionPassesWithThePasswordAndFailsClearlyWithAWrongOne()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "nats_auth");

        var (okExit, okOutput) = await SequinHostProcess.RunToEndAsync(
            "test-connection", "to-file", "--config", scenario.WriteConfig(destinationType: "nats", destinationFields: Destination()), "--plugins-dir", BuildPaths.Plugins);
        var (exit, output) = await SequinHostProcess.RunToEndAsync(
            "test-connection", "to-file", "--config", scenario.WriteConfig(destinationType: "nats", destinationFields: Destination(("password", "not-the-password-8e1"))), "--plugins-dir", BuildPaths.Plugins);

        Assert.True(okExit == 0, $"test-connection exited {okExit}:\n{okOutput}");
        Assert.Contains("JetStream enabled", okOutput, StringComparison.Ordinal);
        Assert.NotEqual(0, exit);
        Assert.Contains($"NATS at 127.0.0.1:{Nats.Port} refused the credentials (user 'sequin'): check 'username' and 'password'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-8e1", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, okOutput + output, StringComparison.Ordinal);
    }

    // Reads a stream from its start until it holds `count` messages (or fails with the host's output).
    private async Task<List<(string Subject, string MsgId, JsonNode Body)>> ReadAsync(string stream, int count, ChildProcess host, TimeSpan? timeout = null)
    {
        await Eventually.UntilAsync(
            async () =>
            {
                try
                {
                    return (await Js.GetStreamAsync(stream)).Info.State.Messages >= count;
                }
                catch (NatsException)
                {
                    return false;
                }
            },
            () => $"{count} messages in stream {stream}; host output:\n{host.Output}",
            timeout ?? Wait);
        var consumer = await Js.CreateOrderedConsumerAsync(stream);
        var result = new List<(string, string, JsonNode)>();
        using var cts = new CancellationTokenSource(Wait);
        await foreach (var message in consumer.ConsumeAsync<byte[]>(cancellationToken: cts.Token))
        {
            result.Add((message.Subject, message.Headers!["Nats-Msg-Id"].ToString(), JsonNode.Parse(Encoding.UTF8.GetString(message.Data!))!));
            if (result.Count == count)
            {
                break;
            }
        }

        return result;
    }

    private Dictionary<string, string> Destination(params (string Key, string Value)[] extra)
    {
        var fields = new Dictionary<string, string>
        {
            ["host"] = "127.0.0.1",
            ["port"] = Nats.Port.ToString(CultureInfo.InvariantCulture),
            ["username"] = User,
            ["password"] = Password,
        };
        foreach (var (key, value) in extra)
        {
            fields[key] = value;
        }

        return fields;
    }
}
