using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 2's first two "done when" items, through the real host with the stdout sink loaded from the plugins folder:
/// exact JSON for inserts, updates (REPLICA IDENTITY FULL and DEFAULT), deletes and a TRUNCATE on two tables, in
/// commit order per primary key; and 1,000 updates of one row arriving in order while another table interleaves.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ChangeMessagesThroughHostTests(PostgresFixture postgres)
{
    [Fact]
    public async Task InsertsUpdatesDeletesAndTruncateOnTwoTablesArriveAsExactJson()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "exact");
        await scenario.ExecuteAsync("""
            CREATE TABLE products (id int PRIMARY KEY, name text, price numeric(10,2), tags text[], attrs jsonb, updated_at timestamptz);
            ALTER TABLE products REPLICA IDENTITY FULL;
            CREATE TABLE notes (id bigint PRIMARY KEY, body text, done boolean);
            """);
        var started = DateTimeOffset.UtcNow.AddSeconds(-5);
        await using var host = SequinHostProcess.Start(scenario.WriteConfig("actions: [insert, update, delete, truncate]"));
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("""
            BEGIN;
            INSERT INTO products VALUES (1, 'Espresso', 2.50, '{coffee,hot}', '{"size": "small", "shots": 1}', '2026-01-02 03:04:05.123456+00');
            INSERT INTO notes VALUES (10, 'buy beans', false);
            COMMIT;
            BEGIN;
            UPDATE products SET price = 2.75, attrs = '{"size": "large"}' WHERE id = 1;
            UPDATE notes SET done = true WHERE id = 10;
            COMMIT;
            BEGIN;
            SELECT pg_logical_emit_message(true, 'sequin:transaction_annotations.set', '{"actor": "e2e"}');
            DELETE FROM products WHERE id = 1;
            DELETE FROM notes WHERE id = 10;
            COMMIT;
            BEGIN;
            INSERT INTO notes VALUES (11, 'gone soon', null);
            TRUNCATE notes;
            COMMIT;
            """);
        await scenario.WaitForMessagesAsync(8, host);
        Assert.Equal(0, await host.StopAsync());

        var messages = StdoutSinkOutput.Read(scenario.OutputPath)
            .OrderBy(m => (long)m["metadata"]!["commit_lsn"]!).ThenBy(m => (int)m["metadata"]!["commit_idx"]!)
            .ToList();
        Assert.Equal(8, messages.Count);

        // The volatile metadata: checked for consistency, then replaced so that the rest compares exactly.
        var commits = messages.Select(m => (long)m["metadata"]!["commit_lsn"]!).ToList();
        Assert.Equal(commits[0], commits[1]);
        Assert.Equal(commits[2], commits[3]);
        Assert.Equal(commits[4], commits[5]);
        Assert.Equal(commits[6], commits[7]);
        Assert.True(commits[0] < commits[2] && commits[2] < commits[4] && commits[4] < commits[6], string.Join("\n", messages.Select(m => m.ToJsonString())));
        foreach (var m in messages)
        {
            var metadata = m["metadata"]!.AsObject();
            var key = $"{(long)metadata["commit_lsn"]!}:{(int)metadata["commit_idx"]!}";
            Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(key)), (string?)metadata["idempotency_key"]);
            var at = DateTimeOffset.Parse((string)metadata["commit_timestamp"]!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(at, started, DateTimeOffset.UtcNow.AddSeconds(5));
            Assert.EndsWith("Z", (string)metadata["commit_timestamp"]!, StringComparison.Ordinal);
            metadata["commit_lsn"] = "LSN" + commits.Distinct().ToList().IndexOf((long)metadata["commit_lsn"]!);
            metadata["commit_timestamp"] = "TS";
            metadata["idempotency_key"] = "KEY";
        }

        var expected = ExpectedMessages(scenario.Database).Select(e => JsonNode.Parse(e)!).ToList();
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(
                JsonNode.DeepEquals(expected[i], messages[i]),
                $"message {i} differs.\nexpected: {expected[i].ToJsonString()}\nactual:   {messages[i].ToJsonString()}");
        }
    }

    [Fact]
    public async Task ARowUpdatedAThousandTimesArrivesInOrderWhileAnotherTableInterleaves()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "order");
        await scenario.ExecuteAsync("""
            CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL);
            CREATE TABLE events (id serial PRIMARY KEY, counter_n int NOT NULL);
            INSERT INTO counters VALUES (1, 0);
            """);
        await using var host = SequinHostProcess.Start(scenario.WriteConfig("actions: [update, insert]\nbatch_size: 7"));
        await scenario.WaitForSlotActiveAsync(host);

        // 1,000 transactions, each updating the row and inserting an event row (its own key) in between.
        await scenario.ExecuteAsync("""
            DO $$
            BEGIN
              FOR i IN 1..1000 LOOP
                UPDATE counters SET n = i WHERE id = 1;
                INSERT INTO events (counter_n) VALUES (i);
                COMMIT;
              END LOOP;
            END $$;
            """);
        await scenario.WaitForMessagesAsync(2000, host);
        Assert.Equal(0, await host.StopAsync());

        var messages = StdoutSinkOutput.Read(scenario.OutputPath);
        Assert.Equal(2000, messages.Count);
        var updates = messages.Where(m => (string?)m["metadata"]!["table_name"] == "counters").ToList();
        Assert.Equal(Enumerable.Range(1, 1000), updates.Select(m => (int)m["record"]!["n"]!));
        Assert.All(updates, m => Assert.Equal("update", (string?)m["action"]));
        var updateLsns = updates.Select(m => (long)m["metadata"]!["commit_lsn"]!).ToList();
        Assert.Equal(updateLsns.Order(), updateLsns);

        var events = messages.Where(m => (string?)m["metadata"]!["table_name"] == "events").ToList();
        Assert.Equal(1000, events.Count);
        Assert.Equal(Enumerable.Range(1, 1000), events.Select(m => (int)m["record"]!["counter_n"]!).Order());

        // The other table really interleaved: its rows were delivered between the counter's updates, not after them.
        var positions = messages.Select((m, i) => (m, i)).ToList();
        var lastUpdate = positions.Last(p => (string?)p.m["metadata"]!["table_name"] == "counters").i;
        var firstEvent = positions.First(p => (string?)p.m["metadata"]!["table_name"] == "events").i;
        Assert.True(firstEvent < lastUpdate, "event rows were delivered while the counter's updates were still flowing");
    }

    private static string[] ExpectedMessages(string database)
    {
        string Metadata(string table, int lsn, int idx, string pks, string annotations = "null") =>
            "{\"table_schema\":\"public\",\"table_name\":\"" + table + "\",\"commit_timestamp\":\"TS\",\"commit_lsn\":\"LSN" + lsn
            + "\",\"commit_idx\":" + idx + ",\"idempotency_key\":\"KEY\",\"record_pks\":" + pks
            + ",\"database_name\":\"db\",\"transaction_annotations\":" + annotations + ",\"enrichment\":null"
            + ",\"consumer\":{\"id\":\"to-file\",\"name\":\"to-file\",\"annotations\":{}}"
            + ",\"database\":{\"id\":\"db\",\"name\":\"db\",\"annotations\":{},\"database\":\"" + database + "\",\"hostname\":\"127.0.0.1\"}}";
        string Message(string record, string changes, string action, string metadata) =>
            "{\"record\":" + record + ",\"changes\":" + changes + ",\"action\":\"" + action + "\",\"metadata\":" + metadata + "}";
        const string Espresso = """{"id":1,"name":"Espresso","price":2.50,"tags":["coffee","hot"],"attrs":{"size":"small","shots":1},"updated_at":"2026-01-02T03:04:05.123456Z"}""";
        const string Large = """{"id":1,"name":"Espresso","price":2.75,"tags":["coffee","hot"],"attrs":{"size":"large"},"updated_at":"2026-01-02T03:04:05.123456Z"}""";
        const string Actor = """{"actor":"e2e"}""";
        return
        [
            Message(Espresso, "null", "insert", Metadata("products", 0, 0, "[\"1\"]")),
            Message("""{"id":10,"body":"buy beans","done":false}""", "null", "insert", Metadata("notes", 0, 1, "[\"10\"]")),
            Message(Large, """{"price":2.50,"attrs":{"size":"small","shots":1}}""", "update", Metadata("products", 1, 0, "[\"1\"]")),
            Message("""{"id":10,"body":"buy beans","done":true}""", "{}", "update", Metadata("notes", 1, 1, "[\"10\"]")),
            Message(Large, "null", "delete", Metadata("products", 2, 1, "[\"1\"]", Actor)),
            Message("""{"id":10,"body":null,"done":null}""", "null", "delete", Metadata("notes", 2, 2, "[\"10\"]", Actor)),
            Message("""{"id":11,"body":"gone soon","done":null}""", "null", "insert", Metadata("notes", 3, 0, "[\"11\"]")),
            Message("{}", "null", "truncate", Metadata("notes", 3, 1, "[]")),
        ];
    }
}
