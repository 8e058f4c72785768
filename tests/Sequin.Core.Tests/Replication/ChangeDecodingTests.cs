using System.Text;
using Sequin.Core.Tests.Replication.Support;
using Sequin.Messages;
using Sequin.TestServers;

namespace Sequin.Core.Tests.Replication;

/// <remarks>Runs on every supported PostgreSQL major: see <see cref="PostgresVersionMatrix"/>.</remarks>
public abstract class ChangeDecodingTests(PostgresFixture fixture)
{
    private const string Tables = """
        CREATE TABLE items (id int PRIMARY KEY, name text, price numeric, note text);
        CREATE TABLE full_items (id int PRIMARY KEY, name text, price numeric, note text);
        ALTER TABLE full_items REPLICA IDENTITY FULL;
        """;

    [Fact]
    public async Task UpdatesAndDeletesWithDefaultReplicaIdentityCarryOnlyTheKey()
    {
        await using var harness = (await ReplicationHarness.CreateAsync(fixture, Tables)).Start();
        await harness.ExecuteAsync("INSERT INTO items VALUES (1, 'one', 9.50, 'n')");
        await harness.ExecuteAsync("UPDATE items SET price = 8.00 WHERE id = 1");
        await harness.ExecuteAsync("UPDATE items SET id = 2, name = 'two' WHERE id = 1");
        await harness.ExecuteAsync("DELETE FROM items WHERE id = 2");
        var m = await harness.Handler.WaitForCountAsync(4);

        Assert.Equal(["insert", "update", "update", "delete"], m.Select(x => x.Action.ToWireName()));
        Assert.Equal("""{"id":1,"name":"one","price":9.50,"note":"n"}""", ReplicationHarness.Field(m[0], "record"));
        Assert.Equal("""{"id":1,"name":"one","price":8.00,"note":"n"}""", ReplicationHarness.Field(m[1], "record"));
        Assert.Equal("{}", ReplicationHarness.Field(m[1], "changes"));
        Assert.Null(m[1].OldRecord);

        // A key-changing update sends the old key: changes holds the old key, not the unsent columns.
        Assert.Equal("""{"id":2,"name":"two","price":8.00,"note":"n"}""", ReplicationHarness.Field(m[2], "record"));
        Assert.Equal("""{"id":1}""", ReplicationHarness.Field(m[2], "changes"));

        // A delete carries the old key; the other columns were not sent.
        Assert.Equal("""{"id":2,"name":null,"price":null,"note":null}""", ReplicationHarness.Field(m[3], "record"));
        Assert.Equal("null", ReplicationHarness.Field(m[3], "changes"));
        Assert.Equal(["2"], m[3].GetRecordPks());
    }

    [Fact]
    public async Task UpdatesAndDeletesWithFullReplicaIdentityCarryTheOldRow()
    {
        await using var harness = (await ReplicationHarness.CreateAsync(fixture, Tables)).Start();
        await harness.ExecuteAsync("INSERT INTO full_items VALUES (1, 'one', 9.50, NULL)");
        await harness.ExecuteAsync("UPDATE full_items SET price = 8.00, note = 'set' WHERE id = 1");
        await harness.ExecuteAsync("UPDATE full_items SET name = 'same' WHERE id = 1");
        await harness.ExecuteAsync("UPDATE full_items SET name = 'same' WHERE id = 1");
        await harness.ExecuteAsync("DELETE FROM full_items WHERE id = 1");
        var m = await harness.Handler.WaitForCountAsync(5);

        Assert.Equal("""{"id":1,"name":"one","price":8.00,"note":"set"}""", ReplicationHarness.Field(m[1], "record"));
        Assert.Equal("""{"price":9.50,"note":null}""", ReplicationHarness.Field(m[1], "changes"));
        Assert.Equal("""{"name":"one"}""", ReplicationHarness.Field(m[2], "changes"));
        Assert.Equal("{}", ReplicationHarness.Field(m[3], "changes"));
        Assert.Equal("""{"id":1,"name":"same","price":8.00,"note":"set"}""", ReplicationHarness.Field(m[4], "record"));
        Assert.Equal("delete", m[4].Action.ToWireName());

        // pgoutput flags every column as key under REPLICA IDENTITY FULL; record_pks is still the primary key.
        Assert.Equal(["1"], m[4].GetRecordPks());
        Assert.Equal("""["1"]""", ReplicationHarness.Json(m[1]).GetProperty("metadata").GetProperty("record_pks").GetRawText());
    }

    [Fact]
    public async Task UnchangedToastIsAPlaceholderUnlessTheOldRowHasIt()
    {
        await using var harness = (await ReplicationHarness.CreateAsync(fixture, Tables + """
            ALTER TABLE items ALTER COLUMN note SET STORAGE EXTERNAL;
            ALTER TABLE full_items ALTER COLUMN note SET STORAGE EXTERNAL;
            """)).Start();
        var big = new string('x', 10_000);
        await harness.ExecuteAsync($"INSERT INTO items VALUES (1, 'a', 1, '{big}'); INSERT INTO full_items VALUES (1, 'a', 1, '{big}')");
        await harness.ExecuteAsync("UPDATE items SET name = 'b' WHERE id = 1; UPDATE full_items SET name = 'b' WHERE id = 1");
        var m = await harness.Handler.WaitForCountAsync(4);

        Assert.Equal(ColumnValueKind.UnchangedToast, m[2].Record[3].Kind);
        Assert.Equal("""{"id":1,"name":"b","price":1,"note":"unchanged_toast"}""", ReplicationHarness.Field(m[2], "record"));
        Assert.Equal("{}", ReplicationHarness.Field(m[2], "changes"));

        Assert.Equal($$"""{"id":1,"name":"b","price":1,"note":"{{big}}"}""", ReplicationHarness.Field(m[3], "record"));
        Assert.Equal("""{"name":"a"}""", ReplicationHarness.Field(m[3], "changes"));
    }

    [Fact]
    public async Task TruncateOfTwoTablesGivesOneMessagePerTable()
    {
        await using var harness = (await ReplicationHarness.CreateAsync(fixture, Tables)).Start();
        await harness.ExecuteAsync("INSERT INTO items VALUES (1, 'a', 1, NULL)");
        await harness.ExecuteAsync("TRUNCATE items, full_items");
        var m = await harness.Handler.WaitForCountAsync(3);

        var truncates = m.Skip(1).ToList();
        Assert.All(truncates, t => Assert.Equal(ChangeAction.Truncate, t.Action));
        Assert.Equal(["items", "full_items"], truncates.Select(t => t.Relation.Table).Order().Reverse());
        Assert.Equal([0, 1], truncates.Select(t => t.CommitIdx));
        Assert.Same(truncates[0].Transaction, truncates[1].Transaction);
        Assert.All(truncates, t => Assert.Equal("{}", ReplicationHarness.Field(t, "record")));
        Assert.All(truncates, t => Assert.Equal("\"truncate\"", ReplicationHarness.Field(t, "action")));
        Assert.All(truncates, t => Assert.Equal("[]", ReplicationHarness.Json(t).GetProperty("metadata").GetProperty("record_pks").GetRawText()));
    }

    [Fact]
    public async Task MetadataCarriesCommitPositionIndexAndIdempotencyKey()
    {
        await using var harness = (await ReplicationHarness.CreateAsync(fixture, Tables)).Start();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        await harness.ExecuteAsync("""
            BEGIN;
            INSERT INTO items VALUES (1, 'a', 1, NULL);
            INSERT INTO items VALUES (2, 'b', 2, NULL);
            UPDATE items SET name = 'c' WHERE id = 1;
            DELETE FROM items WHERE id = 2;
            COMMIT;
            INSERT INTO items VALUES (3, 'd', 3, NULL);
            """);
        var m = await harness.Handler.WaitForCountAsync(5);

        Assert.Equal([0, 1, 2, 3, 0], m.Select(x => x.CommitIdx));
        Assert.Equal(m[0].CommitLsn, m[3].CommitLsn);
        Assert.True(m[4].CommitLsn > m[0].CommitLsn);
        Assert.True(m[0].Transaction.EndLsn > m[0].CommitLsn);

        var metadata = ReplicationHarness.Json(m[2]).GetProperty("metadata");
        Assert.Equal("public", metadata.GetProperty("table_schema").GetString());
        Assert.Equal("items", metadata.GetProperty("table_name").GetString());
        Assert.Equal(m[2].CommitLsn, metadata.GetProperty("commit_lsn").GetUInt64());
        Assert.Equal(2, metadata.GetProperty("commit_idx").GetInt32());
        Assert.Equal(Convert.ToBase64String(Encoding.ASCII.GetBytes($"{m[2].CommitLsn}:2")), metadata.GetProperty("idempotency_key").GetString());
        Assert.Equal("""["1"]""", metadata.GetProperty("record_pks").GetRawText());
        Assert.Equal("test-db", metadata.GetProperty("database_name").GetString());
        Assert.Equal(harness.Database, metadata.GetProperty("database").GetProperty("database").GetString());
        Assert.Equal("null", metadata.GetProperty("transaction_annotations").GetRawText());
        var commitTimestamp = DateTimeOffset.Parse(metadata.GetProperty("commit_timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(commitTimestamp, before, DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.EndsWith("Z", metadata.GetProperty("commit_timestamp").GetString(), StringComparison.Ordinal);

        // The commit LSN is PostgreSQL's own: the transaction's commit record position.
        // (PostgreSQL 14 also sends empty transactions, Sequin's own writes, before it: start at the first change.)
        var events = harness.Handler.Events;
        var first = events.ToList().FindIndex(e => e.StartsWith("change:", StringComparison.Ordinal));
        Assert.True(first >= 1, string.Join(", ", events));
        Assert.Equal("begin", events[first - 1].Split(':')[0]);
        Assert.Equal(["change:insert:items", "change:insert:items", "change:update:items", "change:delete:items"], events.Skip(first).Take(4));
        Assert.Equal("commit", events[first + 4].Split(':')[0]);
    }

    [Fact]
    public async Task TransactionAnnotationsApplyToLaterChangesOfTheSameTransaction()
    {
        await using var harness = (await ReplicationHarness.CreateAsync(fixture, Tables)).Start();
        await harness.ExecuteAsync("""
            BEGIN;
            INSERT INTO items VALUES (1, 'before', 1, NULL);
            SELECT pg_logical_emit_message(true, 'sequin:transaction_annotations.set', '{"actor": "admin-ui", "n": [1, 2]}');
            INSERT INTO items VALUES (2, 'annotated', 1, NULL);
            SELECT pg_logical_emit_message(true, 'sequin:transaction_annotations.clear', '');
            INSERT INTO items VALUES (3, 'cleared', 1, NULL);
            SELECT pg_logical_emit_message(true, 'sequin:transaction_annotations.set', 'not json {');
            INSERT INTO items VALUES (4, 'invalid', 1, NULL);
            SELECT pg_logical_emit_message(true, 'sequin:transaction_annotations.set', '{"actor": "again"}');
            COMMIT;
            INSERT INTO items VALUES (5, 'next transaction', 1, NULL);
            """);
        var m = await harness.Handler.WaitForCountAsync(5);

        string Annotations(ChangeMessage x) => ReplicationHarness.Json(x).GetProperty("metadata").GetProperty("transaction_annotations").GetRawText();
        Assert.Equal("null", Annotations(m[0]));
        Assert.Equal("""{"actor": "admin-ui", "n": [1, 2]}""", Annotations(m[1]));
        Assert.Equal("null", Annotations(m[2]));
        Assert.Equal("null", Annotations(m[3]));
        Assert.Equal("null", Annotations(m[4]));

        var warning = Assert.Single(harness.Logger.Entries, e => e.EventId.Id == 1104);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("not valid JSON", warning.Message, StringComparison.Ordinal);

        // Logical messages take positions inside the transaction, like changes.
        Assert.Equal([0, 2, 4, 6, 0], m.Select(x => x.CommitIdx));
    }

    [Fact]
    public async Task SchemaChangeMidStreamDescribesLaterRowsWithTheNewColumns()
    {
        await using var harness = (await ReplicationHarness.CreateAsync(fixture, Tables)).Start();
        await harness.ExecuteAsync("INSERT INTO items VALUES (1, 'a', 1, NULL)");
        await harness.Handler.WaitForCountAsync(1);
        await harness.ExecuteAsync("ALTER TABLE items ADD COLUMN tags text[] DEFAULT '{x}', DROP COLUMN note");
        await harness.ExecuteAsync("INSERT INTO items VALUES (2, 'b', 2, '{y,z}')");
        var m = await harness.Handler.WaitForCountAsync(2);

        Assert.Equal("""{"id":1,"name":"a","price":1,"note":null}""", ReplicationHarness.Field(m[0], "record"));
        Assert.Equal("""{"id":2,"name":"b","price":2,"tags":["y","z"]}""", ReplicationHarness.Field(m[1], "record"));
        Assert.NotSame(m[0].Relation, m[1].Relation);
        Assert.Equal(m[0].Relation.Oid, m[1].Relation.Oid);
    }

    [Fact]
    public async Task UnixMicrosecondFormatConvertsRecordTimestampsOnly()
    {
        await using var harness = (await ReplicationHarness.CreateAsync(fixture, "CREATE TABLE ev (id int PRIMARY KEY, at timestamptz, local_at timestamp, day date)")).Start();
        await harness.ExecuteAsync("INSERT INTO ev VALUES (1, '2025-03-01 10:00:00.123456+00', '2025-03-01 10:00:00.5', '2025-03-01')");
        var m = await harness.Handler.WaitForCountAsync(1);

        Assert.Equal("""{"id":1,"at":1740823200123456,"local_at":1740823200500000,"day":"2025-03-01"}""",
            ReplicationHarness.Field(m[0], "record", TimestampFormat.UnixMicrosecond));
        var metadata = ReplicationHarness.Json(m[0], TimestampFormat.UnixMicrosecond).GetProperty("metadata");
        Assert.Equal(System.Text.Json.JsonValueKind.String, metadata.GetProperty("commit_timestamp").ValueKind);
    }

    [Fact]
    public async Task PartitionChangesAreReportedUnderTheRootTable()
    {
        await using var harness = (await ReplicationHarness.CreateAsync(fixture, """
            CREATE TABLE measurements (id int, region text, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
            CREATE TABLE measurements_eu PARTITION OF measurements FOR VALUES IN ('eu');
            """)).Start();
        await harness.ExecuteAsync("INSERT INTO measurements VALUES (1, 'eu')");
        var m = await harness.Handler.WaitForCountAsync(1);

        Assert.Equal("measurements", m[0].Relation.Table);
        Assert.Equal(["1", "eu"], m[0].GetRecordPks());
    }

    [Fact]
    public async Task InterleavedTransactionsArriveInCommitOrder()
    {
        await using var harness = (await ReplicationHarness.CreateAsync(fixture, Tables)).Start();
        await using var first = await harness.Server.DataSource(harness.Database).OpenConnectionAsync();
        await using var second = await harness.Server.DataSource(harness.Database).OpenConnectionAsync();
        await using var early = await first.BeginTransactionAsync();
        await using (var insert = new Npgsql.NpgsqlCommand("INSERT INTO items VALUES (1, 'begun first, committed last', 1, NULL)", first, early))
        {
            await insert.ExecuteNonQueryAsync();
        }

        await using (var insert = new Npgsql.NpgsqlCommand("INSERT INTO items VALUES (2, 'autocommit', 1, NULL)", second))
        {
            await insert.ExecuteNonQueryAsync();
        }

        await early.CommitAsync();
        var m = await harness.Handler.WaitForCountAsync(2);

        Assert.Equal(["2", "1"], m.Select(x => x.Record[0].Text));
        Assert.True(m[1].CommitLsn > m[0].CommitLsn);
    }

    [Fact]
    public async Task DomainsCastLikeTheirBaseTypeAndDomainArraysLikeArrays()
    {
        await using var harness = (await ReplicationHarness.CreateAsync(fixture, """
            CREATE DOMAIN positive_int AS int CHECK (VALUE > 0);
            CREATE DOMAIN price AS numeric(10, 2);
            CREATE TABLE domains (id positive_int PRIMARY KEY, cost price, costs price[], flags jsonb);
            """)).Start();
        await harness.ExecuteAsync("""INSERT INTO domains VALUES (7, 12.5, '{1.25,NULL}', '{"a": true}')""");
        var m = await harness.Handler.WaitForCountAsync(1);

        Assert.Equal("""{"id":7,"cost":12.50,"costs":[1.25,null],"flags":{"a": true}}""", ReplicationHarness.Field(m[0], "record"));
        Assert.Equal(["7"], m[0].GetRecordPks());
    }
}
