using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// The real host process streams a real PostgreSQL's changes through the Kafka sink loaded from the plugins folder to a
/// librdkafka mock cluster; the topics are read back with Confluent's consumer.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class KafkaSinkThroughHostTests(PostgresFixture postgres)
{
    /// <summary>
    /// Failed delivery attempts allowed during the 30 s outage: 10 rows' heads failing, each backing off 1, 2, 4, 8,
    /// 16 s (measured: 44, delays up to 17 s). Retrying every delivery timeout (1 s) instead would make about 300.
    /// </summary>
    private const int MaxAttemptsInOutage = 100;

    [Fact]
    public async Task StaticTopicGetsEveryChangeKeyedByRowWithHeadersInOrderPerKey()
    {
        await using var broker = await KafkaMockBroker.StartAsync();
        await using var scenario = await KafkaScenario.CreateAsync(postgres, broker, "kafka_static");
        var topic = KafkaScenario.UniqueTopic("orders");
        await broker.CreateTopicAsync(topic, partitions: 4);
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL, amount int NOT NULL)");
        await using var host = SequinHostProcess.Start(scenario.WriteConfig(destinationExtra: $"topic: {topic}"));
        await scenario.WaitForSlotActiveAsync(host);

        var expected = await MakeOrderChangesAsync(scenario, "orders");
        var records = await scenario.WaitForRecordsAsync(topic, expected.Total, host);

        Assert.Equal(0, await host.StopAsync());
        Assert.Contains("Loaded sink plugin kafka", host.Output, StringComparison.Ordinal);
        // The plugin runs on the librdkafka 2.16 of its own folder, not on a system librdkafka the machine may have. The
        // shipped Kafka sink loads from the host's own plugins folder, searched before --plugins-dir.
        var nativeFolder = Path.Combine(BuildPaths.HostPlugins, "Sequin.Sinks.Kafka", "runtimes", "linux-x64", "native");
        Assert.Matches($@"on librdkafka 2\.16\.\d+ from {Regex.Escape(nativeFolder)}/[a-z0-9-]*librdkafka\.so\.", host.Output);
        records = await KafkaTopicReader.ReadAsync(broker.BootstrapServers, topic);
        Assert.Equal(expected.Total, records.Count);
        AssertRecords(records, topic, "public", "orders", key => key, expected);
        Assert.True(records.Select(r => r.Partition).Distinct().Count() > 1, "12 keys spread over more than one of the 4 partitions");
        // Past the last delivered commit (the server's current WAL position may include WAL of other databases on the
        // shared test server, which this slot never has to confirm).
        var lastCommit = records.Max(r => (ulong)JsonNode.Parse(r.Payload!)!["metadata"]!["commit_lsn"]!);
        Assert.True(await scenario.ConfirmedFlushAsync() > lastCommit, "the slot is acknowledged past the delivered changes");
    }

    [Fact]
    public async Task AnInitialBackfillPublishesEveryExistingRowAsAReadKeyedByRowWithItsBackfillIdempotencyKey()
    {
        await using var broker = await KafkaMockBroker.StartAsync();
        await using var scenario = await KafkaScenario.CreateAsync(postgres, broker, "kafka_backfill");
        var topic = KafkaScenario.UniqueTopic("backfill");
        await broker.CreateTopicAsync(topic, partitions: 2);
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL, amount int NOT NULL); INSERT INTO orders SELECT g, 'new', g FROM generate_series(1, 300) g");
        await using var host = SequinHostProcess.Start(scenario.WriteConfig(destinationExtra: $"topic: {topic}", sinkExtra: "initial_backfill: true"));

        var records = await scenario.WaitForRecordsAsync(topic, 300, host);
        Assert.Equal(0, await host.StopAsync());

        Assert.All(records, r => Assert.Equal("read", r.Header("action")));
        Assert.Equal(Enumerable.Range(1, 300).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), records.Select(r => r.Key!).OrderBy(int.Parse));
        var first = records.First(r => r.Key == "7");
        var payload = JsonNode.Parse(first.Payload!)!;
        Assert.Equal(7, (int)payload["record"]!["amount"]!);
        Assert.Null(payload["changes"]);
        var key = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(first.Header("idempotency_key")!));
        Assert.Matches("^[0-9a-f-]{36}:7$", key);
    }

    [Fact]
    public async Task RoutingFunctionSendsTwoTablesToTwoTopicsWithItsKeys()
    {
        await using var broker = await KafkaMockBroker.StartAsync();
        await using var scenario = await KafkaScenario.CreateAsync(postgres, broker, "kafka_dynamic");
        var prefix = KafkaScenario.UniqueTopic("routed");
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL, amount int NOT NULL)");
        await scenario.ExecuteAsync("CREATE TABLE customers (id int PRIMARY KEY, status text NOT NULL, amount int NOT NULL)");
        var functions = $$"""
            functions:
              - name: by-table
                type: routing
                sink_type: kafka
                code: |
                  function route(action, record, changes, metadata) {
                    return { topic: '{{prefix}}.' + metadata.table_name, message_key: metadata.table_name + '-' + record.id };
                  }
            """;
        await using var host = SequinHostProcess.Start(scenario.WriteConfig(sinkExtra: "routing: by-table", topLevelExtra: functions));
        await scenario.WaitForSlotActiveAsync(host);

        var orders = await MakeOrderChangesAsync(scenario, "orders");
        var customers = await MakeOrderChangesAsync(scenario, "customers");
        var orderRecords = await scenario.WaitForRecordsAsync(prefix + ".orders", orders.Total, host);
        var customerRecords = await scenario.WaitForRecordsAsync(prefix + ".customers", customers.Total, host);

        Assert.Equal(0, await host.StopAsync());
        orderRecords = await KafkaTopicReader.ReadAsync(broker.BootstrapServers, prefix + ".orders");
        customerRecords = await KafkaTopicReader.ReadAsync(broker.BootstrapServers, prefix + ".customers");
        Assert.Equal(orders.Total, orderRecords.Count);
        Assert.Equal(customers.Total, customerRecords.Count);
        AssertRecords(orderRecords, prefix + ".orders", "public", "orders", key => "orders-" + key, orders);
        AssertRecords(customerRecords, prefix + ".customers", "public", "customers", key => "customers-" + key, customers);
    }

    [Fact]
    public async Task BrokerOutageMidStreamLosesNothing()
    {
        await using var broker = await KafkaMockBroker.StartAsync();
        await using var scenario = await KafkaScenario.CreateAsync(postgres, broker, "kafka_outage");
        var topic = KafkaScenario.UniqueTopic("outage");
        await broker.CreateTopicAsync(topic, partitions: 4);
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL, amount int NOT NULL)");
        await using var host = SequinHostProcess.Start(scenario.WriteConfig(destinationExtra: $"topic: {topic}\ndelivery_timeout_ms: 1000"));
        await scenario.WaitForSlotActiveAsync(host);

        // Before the outage: delivered and acknowledged.
        await scenario.ExecuteAsync("INSERT INTO orders SELECT i, 'new', i FROM generate_series(1, 20) i");
        await scenario.WaitForRecordsAsync(topic, 20, host);
        var beforeOutage = await scenario.CurrentWalLsnAsync();
        await Eventually.UntilAsync(async () => await scenario.ConfirmedFlushAsync() >= beforeOutage, () => "the first changes are acknowledged; output:\n" + host.Output);

        // The brokers go away; changes keep coming, one transaction each.
        await broker.SetDownAsync();
        for (var i = 1; i <= 20; i++)
        {
            await scenario.ExecuteAsync($"UPDATE orders SET status = 'paid', amount = amount + 1000 WHERE id = {i}");
        }

        await scenario.ExecuteAsync("INSERT INTO orders SELECT i, 'late', i FROM generate_series(21, 30) i");
        var duringOutage = await scenario.CurrentWalLsnAsync();

        // The outage is seen: deliveries fail and are retried, and nothing made during it is acknowledged.
        await host.WaitForOutputAsync($"Kafka delivery to topic '{topic}' failed");
        Assert.True(await scenario.ConfirmedFlushAsync() < duringOutage, "nothing made during the outage is acknowledged while the brokers are down");

        await broker.SetUpAsync();
        var records = await KafkaTopicReader.WaitForAsync(
            broker.BootstrapServers,
            topic,
            r => DistinctChanges(r).Count >= 50 || host.HasExited,
            Eventually.DefaultTimeout);
        await Eventually.UntilAsync(async () => await scenario.ConfirmedFlushAsync() >= duringOutage, () => "the changes made during the outage are acknowledged; output:\n" + host.Output);
        Assert.Equal(0, await host.StopAsync());

        records = await KafkaTopicReader.ReadAsync(broker.BootstrapServers, topic);
        var changes = DistinctChanges(records);
        Assert.Equal(50, changes.Count);
        foreach (var group in records.GroupBy(r => r.Key))
        {
            var id = int.Parse(group.Key!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Single(group.Select(r => r.Partition).Distinct());

            // Redeliveries (at least once) may repeat a record; the first appearance of each change is in commit order.
            var firsts = group.DistinctBy(r => r.Header("idempotency_key")).Select(r => JsonNode.Parse(r.Payload!)!).ToList();
            var statuses = firsts.Select(v => (string)v["record"]!["status"]!).ToList();
            Assert.Equal(id <= 20 ? ["new", "paid"] : ["late"], statuses);
            Assert.Equal(id <= 20 ? [id, id + 1000] : [id], firsts.Select(v => (int)v["record"]!["amount"]!));
        }

        Assert.Equal(30, records.Select(r => r.Key).Distinct().Count());
    }

    [Fact]
    public async Task BrokersDownThirtySecondsThenBackDeliverEveryChangeInRowOrderWithBackoff()
    {
        await using var broker = await KafkaMockBroker.StartAsync();
        await using var scenario = await KafkaScenario.CreateAsync(postgres, broker, "kafka_down30");
        var topic = KafkaScenario.UniqueTopic("down30");
        await broker.CreateTopicAsync(topic, partitions: 4);
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL, amount int NOT NULL)");
        // Parking off: this test is about retrying in memory with backoff (PoisonMessageTests cover parking, which
        // would otherwise settle the failing changes after ~15 s and let the slot advance during the outage).
        await using var host = SequinHostProcess.Start(scenario.WriteConfig(destinationExtra: $"topic: {topic}\ndelivery_timeout_ms: 1000", sinkExtra: "park_after_failures: 0"));
        await scenario.WaitForSlotActiveAsync(host);
        await scenario.ExecuteAsync("INSERT INTO orders SELECT i, 'new', 0 FROM generate_series(1, 10) i");
        await scenario.WaitForRecordsAsync(topic, 10, host);
        var beforeOutage = await scenario.CurrentWalLsnAsync();
        await Eventually.UntilAsync(async () => await scenario.ConfirmedFlushAsync() >= beforeOutage, () => "the first changes are acknowledged; output:\n" + host.Output);
        var outputBefore = host.Output.Length;

        // The brokers stay down for 30 s (the length of the fault, not a wait for anything); meanwhile a change is
        // committed every 0.5 s, each row's amount counting up, one transaction each.
        await broker.SetDownAsync();
        var outage = System.Diagnostics.Stopwatch.StartNew();
        var updates = 0;
        while (outage.Elapsed < TimeSpan.FromSeconds(30))
        {
            var id = (updates % 10) + 1;
            updates++;
            await scenario.ExecuteAsync($"UPDATE orders SET status = 'paid', amount = {updates} WHERE id = {id}");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        var duringOutage = await scenario.CurrentWalLsnAsync();
        Assert.True(await scenario.ConfirmedFlushAsync() < duringOutage, "nothing committed during the outage is acknowledged while the brokers are down");
        Assert.False(host.HasExited, "the host keeps running through the outage; output:\n" + host.Output);
        var outageLog = host.Output[outputBefore..];

        await broker.SetUpAsync();
        var expected = 10 + updates;
        await KafkaTopicReader.WaitForAsync(broker.BootstrapServers, topic, r => DistinctChanges(r).Count >= expected || host.HasExited, Eventually.DefaultTimeout);
        await Eventually.UntilAsync(async () => await scenario.ConfirmedFlushAsync() >= duringOutage, () => "the changes committed during the outage are acknowledged; output:\n" + host.Output);
        Assert.Equal(0, await host.StopAsync());

        // Every change arrived, each row's changes first seen in commit order (redeliveries may repeat one).
        var records = await KafkaTopicReader.ReadAsync(broker.BootstrapServers, topic);
        Assert.Equal(expected, DistinctChanges(records).Count);
        foreach (var group in records.GroupBy(r => r.Key))
        {
            var id = int.Parse(group.Key!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Single(group.Select(r => r.Partition).Distinct());
            var amounts = group.DistinctBy(r => r.Header("idempotency_key")).Select(r => (int)JsonNode.Parse(r.Payload!)!["record"]!["amount"]!).ToList();
            var committed = Enumerable.Range(1, updates).Where(n => ((n - 1) % 10) + 1 == id);
            Assert.Equal([0, .. committed], amounts);
        }

        // Backed off, not hot-looping: the retry delays grew, and the failed attempts in 30 s (each logged, or counted
        // in the next "more failed attempts" line) stay few.
        var delays = Regex.Matches(outageLog, @"Retrying in (\d{2}:\d{2}:\d{2}(?:\.\d+)?)")
            .Select(m => TimeSpan.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        var attempts = delays.Count + Regex.Matches(outageLog, @": (\d+) more failed attempts since").Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEmpty(delays);
        Assert.True(delays.Max() >= TimeSpan.FromSeconds(3), $"retry delays grow past 3 s during a 30 s outage: {string.Join(", ", delays)}");
        Assert.True(attempts <= MaxAttemptsInOutage, $"{attempts} failed attempts logged in 30 s (at most {MaxAttemptsInOutage} with backoff); output:\n{outageLog}");
    }

    private static Dictionary<string, KafkaRecord> DistinctChanges(IReadOnlyList<KafkaRecord> records) =>
        records.GroupBy(r => r.Header("idempotency_key") ?? string.Empty).ToDictionary(g => g.Key, g => g.First());

    /// <summary>
    /// 12 inserts in one transaction, an update of every row in another, four single-row updates and two deletes, on a
    /// table with full replica identity (deletes carry the whole old row, updates the old values of what changed).
    /// Returns, per primary key, the sequence each row should show in commit order.
    /// </summary>
    private static async Task<ExpectedChanges> MakeOrderChangesAsync(KafkaScenario scenario, string table)
    {
        await scenario.ExecuteAsync($"ALTER TABLE {table} REPLICA IDENTITY FULL");
        await scenario.ExecuteAsync($"INSERT INTO {table} SELECT i, 'new', i * 10 FROM generate_series(1, 12) i");
        await scenario.ExecuteAsync($"UPDATE {table} SET status = 'paid'");
        for (var id = 1; id <= 4; id++)
        {
            await scenario.ExecuteAsync($"UPDATE {table} SET amount = amount + 100 WHERE id = {id}");
        }

        await scenario.ExecuteAsync($"DELETE FROM {table} WHERE id IN (5, 6)");

        var perKey = new Dictionary<string, List<Step>>();
        for (var id = 1; id <= 12; id++)
        {
            var steps = new List<Step> { new("insert", "new", id * 10), new("update", "paid", id * 10, """{"status":"new"}""") };
            if (id <= 4)
            {
                steps.Add(new("update", "paid", (id * 10) + 100, $$"""{"amount":{{id * 10}}}"""));
            }

            if (id is 5 or 6)
            {
                steps.Add(new("delete", "paid", id * 10));
            }

            perKey[id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = steps;
        }

        return new ExpectedChanges(perKey);
    }

    private static void AssertRecords(
        IReadOnlyList<KafkaRecord> records, string topic, string schema, string table, Func<string, string> keyOf, ExpectedChanges expected)
    {
        Assert.All(records, r => Assert.Equal(topic, r.Topic));
        Assert.Equal(expected.Total, records.Select(r => r.Header("idempotency_key")).Distinct().Count());
        var byKey = records.GroupBy(r => r.Key ?? "(null)").ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(expected.PerKey.Keys.Select(keyOf).Order(), byKey.Keys.Order());

        foreach (var (id, steps) in expected.PerKey)
        {
            // KafkaTopicReader orders by partition then offset: within the key's one partition this is produce order.
            var keyed = byKey[keyOf(id)];
            Assert.Single(keyed.Select(r => r.Partition).Distinct());
            Assert.Equal(steps.Count, keyed.Count);
            ulong previousLsn = 0;
            for (var i = 0; i < steps.Count; i++)
            {
                var record = keyed[i];
                var value = JsonNode.Parse(record.Payload ?? throw new InvalidOperationException($"Record {record} has no value."))!.AsObject();
                var metadata = value["metadata"]!;
                Assert.Equal(steps[i].Action, (string?)value["action"]);
                Assert.Equal(steps[i].Action, record.Header("action"));
                Assert.Equal($"{schema}.{table}", record.Header("table"));
                Assert.Equal((string?)metadata["idempotency_key"], record.Header("idempotency_key"));
                Assert.Equal(schema, (string?)metadata["table_schema"]);
                Assert.Equal(table, (string?)metadata["table_name"]);
                Assert.Equal(int.Parse(id, System.Globalization.CultureInfo.InvariantCulture), (int)value["record"]!["id"]!);
                Assert.Equal(steps[i].Status, (string?)value["record"]!["status"]);
                Assert.Equal(steps[i].Amount, (int)value["record"]!["amount"]!);
                if (steps[i].Changes is { } changes)
                {
                    Assert.Equal(changes, value["changes"]!.ToJsonString());
                }
                var lsn = (ulong)metadata["commit_lsn"]!;
                Assert.True(lsn > previousLsn, $"key {record.Key}: commit_lsn {lsn} after {previousLsn} (records in commit order)");
                previousLsn = lsn;
            }
        }
    }

    /// <summary>One change of a row: its action, the row after it (before it for a delete), and the JSON of <c>changes</c> for an update.</summary>
    private sealed record Step(string Action, string Status, int Amount, string? Changes = null);

    private sealed record ExpectedChanges(Dictionary<string, List<Step>> PerKey)
    {
        public int Total => PerKey.Values.Sum(s => s.Count);
    }
}
