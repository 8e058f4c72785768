using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Sinks.Postgres.Tests;

/// <summary>The delivery against a real PostgreSQL: exact values, folding, permanent and retryable failures, created tables, truncates, connection tests.</summary>
public sealed class PostgresDeliveryTests(TargetServerFixture target) : IClassFixture<TargetServerFixture>
{
    private const string ValuesTable = "id bigint PRIMARY KEY, amount numeric(30,10), doc jsonb, tags text[], at timestamptz, raw bytea, label text";

    [Fact]
    public async Task NumericJsonbArraysTimestamptzByteaAndUnicodeTextArriveExactly()
    {
        await target.ExecuteAsync($"CREATE TABLE exact_values ({ValuesTable})");
        await using var delivery = PostgresDelivery.Create(target.Options(), Some.Context());
        string?[] row = ["9007199254740993", "12345678901234567890.0123456789", """{"a": [1, 2.50, "x"], "b": {"ü": null}}""", """{"a b","c,d",NULL,"\"q\""}""", "2024-02-29 23:59:59.123456+00", "\\x00ff10", "héllo 🌍 'quote' \\ back"];

        var outcomes = await delivery.DeliverAsync(Some.Batch("public.exact_values", Some.Row(Some.Values, ChangeAction.Read, row), Some.Row(Some.Values, ChangeAction.Insert, "2", null, null, null, null, null, null)), CancellationToken.None);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.Error));
        var rows = await target.RowsAsync("SELECT id, amount::text, doc::text, tags::text, at::text, raw::text, label FROM exact_values ORDER BY id");
        Assert.Equal(["2|∅|∅|∅|∅|∅|∅", string.Join('|', row)], rows);
        Assert.True(await target.ScalarAsync<bool>("SELECT tags[3] IS NULL AND tags[4] = '\"q\"' AND octet_length(raw) = 3 AND at = '2024-03-01 00:59:59.123456+01' FROM exact_values WHERE id = 9007199254740993"));
    }

    [Fact]
    public async Task InsertsUpdatesAndDeletesOfABatchLeaveEachRowsLastStateInOneTransaction()
    {
        await target.ExecuteAsync("CREATE TABLE folded (id int PRIMARY KEY, name text)");
        await using var delivery = PostgresDelivery.Create(target.Options(), Some.Context());
        await delivery.DeliverAsync(Some.Batch("folded", Some.Change(1, name: "one"), Some.Change(2, name: "two"), Some.Change(3, name: "three")), CancellationToken.None);

        var outcomes = await delivery.DeliverAsync(
            Some.Batch(
                "folded",
                Some.Change(1, ChangeAction.Update, "one v2"),
                Some.Change(2, ChangeAction.Delete),
                Some.Change(3, ChangeAction.Delete),
                Some.Change(3, ChangeAction.Insert, "three again"),
                Some.Change(4, ChangeAction.Insert, "four"),
                Some.Change(4, ChangeAction.Update, "four v2"),
                Some.UnchangedNameUpdate(1)),
            CancellationToken.None);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.Error));
        Assert.Equal(["1|one v2", "3|three again", "4|four v2"], await target.RowsAsync("SELECT id, name FROM folded ORDER BY id"));
    }

    [Fact]
    public async Task ATargetWithAnAlwaysGeneratedIdentityKeyTakesTheSourcesKeys()
    {
        await target.ExecuteAsync("CREATE TABLE identity_copy (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text)");
        await using var delivery = PostgresDelivery.Create(target.Options(), Some.Context());

        var outcomes = await delivery.DeliverAsync(Some.Batch("identity_copy", Some.Change(41, name: "a"), Some.Change(7, name: "b")), CancellationToken.None);
        var updated = await delivery.DeliverAsync(Some.Batch("identity_copy", Some.Change(41, ChangeAction.Update, "a2")), CancellationToken.None);

        Assert.All(outcomes.Concat(updated), o => Assert.True(o.IsDelivered, o.Error));
        Assert.Equal(["7|b", "41|a2"], await target.RowsAsync("SELECT id, name FROM identity_copy ORDER BY id"));
    }

    [Fact]
    public async Task ATruncateToIgnoreNeedsNoTargetTable()
    {
        await using var delivery = PostgresDelivery.Create(target.Options(), Some.Context());

        var outcomes = await delivery.DeliverAsync(Some.Batch("no_such_table", Some.Change(0, ChangeAction.Truncate)), CancellationToken.None);

        Assert.True(outcomes[0].IsDelivered, outcomes[0].Error);
    }

    [Fact]
    public async Task AnUpdateWithAnUnchangedToastedValueKeepsTheTargetsValue()
    {
        await target.ExecuteAsync("CREATE TABLE toasted (id int PRIMARY KEY, name text)");
        await using var delivery = PostgresDelivery.Create(target.Options(), Some.Context());
        await delivery.DeliverAsync(Some.Batch("toasted", Some.Change(1, name: new string('x', 5000))), CancellationToken.None);

        var outcomes = await delivery.DeliverAsync(Some.Batch("toasted", Some.UnchangedNameUpdate(1)), CancellationToken.None);

        Assert.True(outcomes[0].IsDelivered, outcomes[0].Error);
        Assert.Equal(5000, await target.ScalarAsync<int>("SELECT length(name) FROM toasted WHERE id = 1"));
    }

    [Fact]
    public async Task AMissingColumnFailsPermanentlyNamingItAndIsDeliveredOnceTheColumnIsAdded()
    {
        await target.ExecuteAsync("CREATE TABLE narrow (id int PRIMARY KEY)");
        await using var delivery = PostgresDelivery.Create(target.Options(), Some.Context());
        var batch = Some.Batch("narrow", Some.Change(1), Some.Change(2));

        var refused = await delivery.DeliverAsync(batch, CancellationToken.None);
        await target.ExecuteAsync("ALTER TABLE narrow ADD COLUMN name text");
        var accepted = await delivery.DeliverAsync(batch, CancellationToken.None);

        Assert.All(refused, o => Assert.Equal(DeliveryStatus.Permanent, o.Status));
        Assert.Contains("Target table public.narrow has no column 'name' of source table public.orders", refused[0].Error, StringComparison.Ordinal);
        Assert.All(accepted, o => Assert.True(o.IsDelivered, o.Error));
        Assert.Equal(["1|widget", "2|widget"], await target.RowsAsync("SELECT id, name FROM narrow ORDER BY id"));
    }

    [Fact]
    public async Task AMissingTableFailsPermanentlyUnlessCreateTablesCreatesItWithTheSourcesTypesAndKey()
    {
        await using var refusing = PostgresDelivery.Create(target.Options(), Some.Context());
        await using var creating = PostgresDelivery.Create(target.Options(createTables: true), Some.Context());
        var batch = Some.Batch(
            "created.values_copy",
            Some.Row(Some.Values, ChangeAction.Insert, "1", "1.5000000000", "{}", "{x}", "2024-01-01 00:00:00+00", "\\x01", "a"),
            Some.Row(Some.Values, ChangeAction.Insert, "2", "-2", "[]", "{}", "2024-01-01 00:00:00+00", "\\x", "b"));

        var refused = await refusing.DeliverAsync(batch, CancellationToken.None);
        var created = await creating.DeliverAsync(batch, CancellationToken.None);

        Assert.All(refused, o => Assert.Equal(DeliveryStatus.Permanent, o.Status));
        Assert.Equal(refused[0].Error, refused[1].Error);
        Assert.Contains("Target table created.values_copy does not exist", refused[0].Error, StringComparison.Ordinal);
        Assert.Contains("create_tables: true", refused[0].Error, StringComparison.Ordinal);
        Assert.All(created, o => Assert.True(o.IsDelivered, o.Error));
        Assert.Equal(
            ["id|bigint", "amount|numeric(30,10)", "doc|jsonb", "tags|text[]", "at|timestamp with time zone", "raw|bytea", "label|text"],
            await target.RowsAsync("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'created.values_copy'::regclass AND attnum > 0 ORDER BY attnum"));
        Assert.Equal("id", await target.ScalarAsync<string>("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'created.values_copy'::regclass AND i.indisprimary"));
        Assert.Equal(["1|1.5000000000", "2|-2.0000000000"], await target.RowsAsync("SELECT id, amount::text FROM created.values_copy ORDER BY id"));
    }

    [Fact]
    public async Task BatchesThatCreateTheSameTableAtOnceAllSucceed()
    {
        // Concurrent batches of a first burst (several partitions, or two sinks) each find the table missing and
        // create it; unserialised, CREATE TABLE IF NOT EXISTS fails one of them with 23505 on pg_type.
        var deliveries = Enumerable.Range(0, 8).Select(_ => PostgresDelivery.Create(target.Options(createTables: true), Some.Context())).ToList();
        try
        {
            var outcomes = await Task.WhenAll(deliveries.Select((d, i) => d.DeliverAsync(Some.Batch("raced.copy", Some.Change(i + 1, name: "n" + i)), CancellationToken.None).AsTask()));

            Assert.All(outcomes.SelectMany(o => o), o => Assert.True(o.IsDelivered, o.Error));
            Assert.Equal(8, await target.ScalarAsync<long>("SELECT count(*) FROM raced.copy"));
        }
        finally
        {
            foreach (var delivery in deliveries)
            {
                await delivery.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AConstraintViolationFailsOnlyItsRowAndTheRowsLaterChangesInTheBatch()
    {
        await target.ExecuteAsync("CREATE TABLE checked (id int PRIMARY KEY, name text CHECK (name NOT LIKE 'bad%'))");
        await using var delivery = PostgresDelivery.Create(target.Options(), Some.Context());

        var outcomes = await delivery.DeliverAsync(
            Some.Batch("checked", Some.Change(1, name: "ok"), Some.Change(2, name: "bad"), Some.Change(3, name: "ok"), Some.Change(2, ChangeAction.Update, "bad again")),
            CancellationToken.None);

        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.Permanent, DeliveryStatus.Delivered, DeliveryStatus.Permanent], outcomes.Select(o => o.Status));
        Assert.Contains("violates check constraint", outcomes[1].Error, StringComparison.Ordinal);
        Assert.Contains("An earlier change of this row", outcomes[3].Error, StringComparison.Ordinal);
        Assert.Equal(["1|ok", "3|ok"], await target.RowsAsync("SELECT id, name FROM checked ORDER BY id"));
    }

    [Fact]
    public async Task AnAppliedTruncateEmptiesTheTargetAndAnIgnoredOneLeavesIt()
    {
        await target.ExecuteAsync("CREATE TABLE truncated (id int PRIMARY KEY, name text); CREATE TABLE kept (id int PRIMARY KEY, name text)");
        await using var applying = PostgresDelivery.Create(target.Options(truncate: PostgresTruncateMode.Apply), Some.Context());
        await using var ignoring = PostgresDelivery.Create(target.Options(), Some.Context());

        var applied = await applying.DeliverAsync(Some.Batch("truncated", Some.Change(1), Some.Change(0, ChangeAction.Truncate), Some.Change(2)), CancellationToken.None);
        await ignoring.DeliverAsync(Some.Batch("kept", Some.Change(1)), CancellationToken.None);
        var ignored = await ignoring.DeliverAsync(Some.Batch("kept", Some.Change(0, ChangeAction.Truncate)), CancellationToken.None);

        Assert.All(applied.Concat(ignored), o => Assert.True(o.IsDelivered, o.Error));
        Assert.Equal(["2|widget"], await target.RowsAsync("SELECT id, name FROM truncated"));
        Assert.Equal(["1|widget"], await target.RowsAsync("SELECT id, name FROM kept"));
    }

    [Fact]
    public async Task AnUnreachableServerIsRetriedNamingIt()
    {
        var options = target.Options();
        options.Port = FreePort();
        await using var delivery = PostgresDelivery.Create(options, Some.Context());

        var outcomes = await delivery.DeliverAsync(Some.Batch("anything", Some.Change(1)), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Retryable, outcomes[0].Status);
        Assert.Contains($"PostgreSQL at 127.0.0.1:{options.Port}/target cannot be reached", outcomes[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConnectionTestPassesWithThePasswordAndFailsClearlyWithAWrongOne()
    {
        await target.ExecuteAsync("CREATE TABLE tested (id int PRIMARY KEY)");
        await using var right = PostgresDelivery.Create(target.Options(table: "tested"), Some.Context(RoutingMode.Static));
        await using var wrong = PostgresDelivery.Create(target.Options(password: "not-the-pw-91"), Some.Context());
        await using var missing = PostgresDelivery.Create(target.Options(table: "nowhere"), Some.Context(RoutingMode.Static));

        var ok = await right.TestConnectionAsync(CancellationToken.None);
        var refused = await wrong.TestCredentialsAsync(CancellationToken.None);
        var absent = await missing.TestConnectionAsync(CancellationToken.None);

        Assert.True(ok.Success, ok.Message);
        Assert.Contains("table public.tested takes inserts, updates and deletes", ok.Message, StringComparison.Ordinal);
        Assert.False(refused.Success);
        Assert.Contains($"PostgreSQL at 127.0.0.1:{target.Server.Port}/target refused the credentials of user 'writer': check 'username' and 'password'", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-pw-91", refused.Message, StringComparison.Ordinal);
        Assert.False(absent.Success);
        Assert.Contains("table public.nowhere does not exist", absent.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
