using System.Diagnostics;
using Npgsql;
using Sequin.Backfills;
using Sequin.EndToEnd.Tests.Support;
using Sequin.Messages;
using Xunit.Abstractions;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 15: backfills with the watermark method, in-process against a real PostgreSQL, into a sink that records every
/// delivered message; the sink's state is rebuilt by applying the messages in order per key.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BackfillTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static void Fast(Hosting.SequinRuntimeOptions options) => options.Backfills = new BackfillOptions
    {
        PollInterval = TimeSpan.FromMilliseconds(200),
        ProgressInterval = TimeSpan.FromSeconds(1),
        RetryDelay = TimeSpan.FromMilliseconds(200),
        MaxPageSize = 5000,
    };

    [Fact]
    public async Task A100000RowBackfillUnderConcurrentUpdatesAndDeletesEndsEqualToTheTableWithNoReadAfterANewerChange()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "backfill_100k");
        await scenario.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY, v int NOT NULL, note text)");
        await scenario.ExecuteAsync("INSERT INTO items SELECT g, 0, md5(g::text) FROM generate_series(1, 100000) g; ANALYZE items");
        var sink = new RecordingSinkPlugin { KeepMessages = true, BatchSize = 500 };
        await using var runtime = InProcessRuntime.Start(scenario.WriteConfig("initial_backfill: true", "recording"), [sink], configure: Fast);
        var dataSource = scenario.Server.DataSource(scenario.Database); // owned by the server

        // A second writer updates, deletes and inserts random rows for as long as the backfill runs.
        using var stopWriter = new CancellationTokenSource();
        var writer = Task.Run(() => WriteRandomlyAsync(dataSource, stopWriter.Token));
        var watch = Stopwatch.StartNew();
        var record = await WaitForBackfillAsync(scenario, runtime, BackfillStatus.Completed, TimeSpan.FromSeconds(120));
        var backfillSeconds = watch.Elapsed.TotalSeconds;
        await stopWriter.CancelAsync();
        var writes = await writer;

        var expected = await SinkStateReplay.ReadTableAsync(dataSource, "items", "id::text", "v", "note");
        Dictionary<string, string> actual = [];
        await Eventually.UntilAsync(
            () =>
            {
                actual = SinkStateReplay.Apply(sink.DeliveredMessages, "v", "note");
                return actual.Count == expected.Count && expected.All(e => actual.TryGetValue(e.Key, out var a) && a == e.Value);
            },
            () => "the sink's state equals the table's: " + SinkStateReplay.Diff(expected, actual) + "\n" + string.Join("\n", runtime.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Information).Select(e => e.Message)),
            TimeSpan.FromSeconds(60));

        var messages = sink.DeliveredMessages.ToList();
        Assert.Empty(SinkStateReplay.StaleReads(messages));
        var reads = messages.Where(m => m.Action == ChangeAction.Read).ToList();
        Assert.Equal(reads.Count, reads.Select(SinkStateReplay.KeyOf).Distinct().Count()); // one read per row
        Assert.Equal(record.RowsDelivered, reads.Count);
        Assert.True(record.RowsRead > record.RowsDelivered, $"some rows read were superseded by concurrent changes (read {record.RowsRead}, delivered {record.RowsDelivered})");
        Assert.True(writes.Transactions > 20, $"the writer ran during the backfill ({writes.Transactions} transactions)");
        var sample = reads[0];
        Assert.Equal(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{record.Id}:{sample.GetRecordPks()[0]}")), sample.IdempotencyKey);
        output.WriteLine($"backfill: {record.RowsRead} rows read, {record.RowsDelivered} reads delivered, {record.RowsRead - record.RowsDelivered} superseded, " +
            $"{backfillSeconds:F1} s ({record.RowsRead / backfillSeconds:F0} rows/s) while the writer ran {writes.Transactions} transactions ({writes.Changes} changes)");
    }

    [Fact]
    public async Task CompositeTextAndUuidPrimaryKeysArePagedInKeyOrderAcrossManySmallPages()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "backfill_keys");
        await scenario.ExecuteAsync("""
            CREATE TABLE orders (tenant text, number int, total numeric, PRIMARY KEY (tenant, number));
            INSERT INTO orders SELECT 'tenant-' || (g % 7), g, g * 1.5 FROM generate_series(1, 300) g;
            INSERT INTO orders VALUES ('Ä', 1, 1), ('a b', 2, 2), ('', 3, 3), ('"quoted"', 4, 4);
            CREATE TABLE tags (id uuid PRIMARY KEY, name text);
            INSERT INTO tags SELECT md5(g::text)::uuid, 'tag ' || g FROM generate_series(1, 150) g;
            CREATE TABLE empty_one (id int PRIMARY KEY);
            """);
        var sink = new RecordingSinkPlugin { KeepMessages = true };
        var config = """
            initial_backfill:
              - table: orders
              - table: public.tags
                type: full
              - table: empty_one
            """;
        await using var runtime = InProcessRuntime.Start(
            scenario.WriteConfig(config, "recording"), [sink], configure: o => o.Backfills = new BackfillOptions { PollInterval = TimeSpan.FromMilliseconds(200), InitialPageSize = 7, MaxPageSize = 13 });
        var records = await WaitForBackfillsAsync(scenario, runtime, 3, TimeSpan.FromSeconds(60));

        var dataSource = scenario.Server.DataSource(scenario.Database);
        var messages = sink.DeliveredMessages.ToList();
        var orders = SinkStateReplay.Apply(messages.Where(m => m.Relation.Table == "orders"), "total");
        var expectedOrders = await SinkStateReplay.ReadTableAsync(dataSource, "orders", "tenant || ',' || number", "total");
        Assert.Equal(expectedOrders.OrderBy(e => e.Key), orders.OrderBy(e => e.Key));
        var tags = SinkStateReplay.Apply(messages.Where(m => m.Relation.Table == "tags"), "name");
        Assert.Equal((await SinkStateReplay.ReadTableAsync(dataSource, "tags", "id::text", "name")).OrderBy(e => e.Key), tags.OrderBy(e => e.Key));
        Assert.All(messages, m => Assert.Equal(ChangeAction.Read, m.Action));
        Assert.Equal(messages.Count, messages.Select(m => m.IdempotencyKey).Distinct().Count());
        Assert.Equal(304, records.Single(r => r.Request.Table == "public.orders").RowsDelivered);
        Assert.Equal(150, records.Single(r => r.Request.Table == "public.tags").RowsDelivered);
        var emptyOne = records.Single(r => r.Request.Table == "public.empty_one");
        Assert.Equal((BackfillStatus.Completed, 0L), (emptyOne.Status, emptyOne.RowsRead));

        // Reads of one page share the watermark's position; many pages mean many positions (the page size stayed small).
        Assert.True(messages.Where(m => m.Relation.Table == "orders").Select(m => m.CommitLsn).Distinct().Count() >= 304 / 13);
    }

    [Fact]
    public async Task APartialBackfillReadsOnlyTheRowsFromTheStartValueOfItsSortColumnOn()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "backfill_partial");
        await scenario.ExecuteAsync("""
            CREATE TABLE events (id int PRIMARY KEY, happened_at timestamptz);
            INSERT INTO events SELECT g, timestamptz '2025-01-01 00:00:00+00' + g * interval '1 hour' FROM generate_series(1, 500) g;
            UPDATE events SET happened_at = NULL WHERE id = 450;
            UPDATE events SET happened_at = timestamptz '2025-01-11 00:00:00+00' WHERE id BETWEEN 300 AND 305;
            """);
        var sink = new RecordingSinkPlugin { KeepMessages = true };
        var config = """
            initial_backfill:
              - table: events
                type: partial
                sort_column: happened_at
                start_position: "2025-01-11 00:00:00+00"
            """;
        await using var runtime = InProcessRuntime.Start(
            scenario.WriteConfig(config, "recording"), [sink], configure: o => o.Backfills = new BackfillOptions { PollInterval = TimeSpan.FromMilliseconds(200), InitialPageSize = 5, MaxPageSize = 20 });
        var record = (await WaitForBackfillsAsync(scenario, runtime, 1, TimeSpan.FromSeconds(60))).Single();

        // From hour 240 on (ids 240..500), plus the six rows moved to exactly the start value, minus the NULL one.
        var expected = Enumerable.Range(240, 261).Concat(Enumerable.Range(300, 6)).Where(id => id != 450).Distinct().Order().Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, sink.DeliveredMessages.Select(SinkStateReplay.KeyOf).Order(StringComparer.Ordinal).Select(int.Parse).Order().Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(record.RowsDelivered, sink.DeliveredMessages.Count);
        Assert.Equal(BackfillKind.Partial, record.Request.Kind);
    }

    [Fact]
    public async Task AReadCarriesTheSameTextAsTheWalForTypesWhoseTextCastDiffersFromTheirOutput()
    {
        // A ::text cast is not the type's output function for these: char(n) loses its blanks, inet gains /32, boolean
        // reads true. Reads must carry what pgoutput sends, or a change's key would not find its read row.
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "backfill_text");
        await scenario.ExecuteAsync("""
            CREATE TABLE odd_keys (code char(4) PRIMARY KEY, addr inet, flag boolean, at timestamptz, doc jsonb, amount numeric, label text);
            INSERT INTO odd_keys VALUES ('ab', '192.168.0.1', true, '2025-03-01 10:00:00.5+00', '{"b": [1, "é"], "a": null}', 12.50, 'x "y" é'),
                                        ('cd', '10.0.0.0/8', false, NULL, NULL, NULL, NULL);
            """);
        var sink = new RecordingSinkPlugin { KeepMessages = true };
        await using var runtime = InProcessRuntime.Start(
            scenario.WriteConfig("initial_backfill:\n  - table: odd_keys\n", "recording"), [sink], configure: Fast);
        await WaitForBackfillsAsync(scenario, runtime, 1, TimeSpan.FromSeconds(60));
        var reads = sink.DeliveredMessages.Where(m => m.Action == ChangeAction.Read).ToList();
        Assert.Equal(2, reads.Count);

        await scenario.ExecuteAsync("UPDATE odd_keys SET flag = flag");
        await Eventually.UntilAsync(() => sink.DeliveredMessages.Count(m => m.Action == ChangeAction.Update) == 2, () => "the two updates are delivered");
        var updates = sink.DeliveredMessages.Where(m => m.Action == ChangeAction.Update).ToList();

        foreach (var read in reads)
        {
            var key = read.Record[0].Text;
            var update = Assert.Single(updates, u => u.Record[0].Text == key); // "ab  ", padded, in both
            Assert.Equal(update.Record.Values.ToArray().Select(v => v.Text), read.Record.Values.ToArray().Select(v => v.Text));
        }

        Assert.Equal(["ab  ", "cd  "], reads.Select(r => r.Record[0].Text).Order(StringComparer.Ordinal));
        Assert.Equal("192.168.0.1", reads.Single(r => r.Record[0].Text == "ab  ").Record[1].Text);
        Assert.Equal("t", reads.Single(r => r.Record[0].Text == "ab  ").Record[2].Text);
    }

    [Fact]
    public async Task ACancelledBackfillStopsReadingPagesWhileLiveChangesKeepFlowing()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "backfill_cancel");
        await scenario.ExecuteAsync("CREATE TABLE big (id int PRIMARY KEY, v int); INSERT INTO big SELECT g, 0 FROM generate_series(1, 20000) g");
        var sink = new RecordingSinkPlugin { KeepMessages = true, BatchSize = 10, DeliveryDelay = TimeSpan.FromMilliseconds(20) };
        await using var runtime = InProcessRuntime.Start(
            scenario.WriteConfig("", "recording"), [sink], configure: o => o.Backfills = new BackfillOptions { PollInterval = TimeSpan.FromMilliseconds(200), InitialPageSize = 100, MaxPageSize = 100 });
        await runtime.WaitForConsumersAsync();
        await scenario.WaitForSlotActiveAsync();

        // Started and cancelled the way `sequin backfill start|cancel` do it: through the state table.
        await using var store = new BackfillStore(scenario.Server.ConnectionString(scenario.Database));
        var created = await store.CreateAsync("to-file", new BackfillRequest("big", BackfillKind.Full), CancellationToken.None);
        await Eventually.UntilAsync(() => sink.DeliveredMessages.Count >= 200, () => $"reads are being delivered (have {sink.DeliveredMessages.Count})");
        Assert.True(await store.FinishAsync(created.Id, BackfillStatus.Cancelled, null, CancellationToken.None));
        await Eventually.UntilAsync(() => runtime.Logs.Entries.Any(e => e.EventId.Id == 1503), () => "the host logs the cancellation");

        // What was read before the cancel still delivers (at most the pages in flight: 3 of 100 rows); no page is read after it.
        await Eventually.UntilAsync(() => runtime.Consumer.BufferedMessages == 0, () => "the sink drained");
        var reads = sink.DeliveredMessages.Count;
        Assert.InRange(reads, 200, 1500);
        await scenario.ExecuteAsync("UPDATE big SET v = 1 WHERE id = 19999");
        await Eventually.UntilAsync(() => sink.DeliveredMessages.Any(m => m.Action == ChangeAction.Update), () => "a live change after the cancel is delivered");
        Assert.Equal(BackfillStatus.Cancelled, (await store.GetAsync(created.Id, CancellationToken.None))!.Status);
        Assert.Equal(reads, sink.DeliveredMessages.Count(m => m.Action == ChangeAction.Read));
    }

    [Fact]
    public async Task ASecondActiveBackfillOfOneSinkAndTableIsRefusedNamingTheFirstAndAnInitialOneIsSkipped()
    {
        var database = await postgres.CreateDatabaseAsync("backfill_one_active");
        await using var store = new BackfillStore(postgres.Server.ConnectionString(database));
        var ct = CancellationToken.None;
        var first = await store.CreateAsync("to-file", new BackfillRequest("items", BackfillKind.Full), ct);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.CreateAsync("to-file", new BackfillRequest("public.items", BackfillKind.Partial, "id", "10"), ct));
        Assert.Contains($"Sink 'to-file' already has an active backfill of public.items ({first.Id})", error.Message, StringComparison.Ordinal);
        Assert.Contains("sequin backfill cancel", error.Message, StringComparison.Ordinal);

        // Another sink, another table: allowed. The initial backfill of a table with an active one is left to that one.
        await store.CreateAsync("other-sink", new BackfillRequest("items", BackfillKind.Full), ct);
        var initial = await store.CreateInitialAsync("to-file", [new BackfillRequest("items", BackfillKind.Full), new BackfillRequest("orders", BackfillKind.Full)], ct);
        var orders = Assert.Single(initial);
        Assert.Equal("public.orders", (await store.GetAsync(orders, ct))!.Request.QualifiedTable);

        // Once the first has ended, the table can be backfilled again.
        Assert.True(await store.FinishAsync(first.Id, BackfillStatus.Cancelled, null, ct));
        var again = await store.CreateAsync("to-file", new BackfillRequest("items", BackfillKind.Full), ct);
        Assert.Equal(BackfillStatus.Active, again.Status);
        Assert.Equal(3, (await store.ListAsync(null, activeOnly: true, ct)).Count); // other-sink items, orders, items again
    }

    private static async Task<IReadOnlyList<BackfillRecord>> WaitForBackfillsAsync(DatabaseScenario scenario, InProcessRuntime runtime, int count, TimeSpan timeout)
    {
        await using var store = new BackfillStore(scenario.Server.ConnectionString(scenario.Database));
        IReadOnlyList<BackfillRecord> all = [];
        await Eventually.UntilAsync(
            async () =>
            {
                if (runtime.Completion.IsCompleted)
                {
                    await runtime.Completion;
                    throw new InvalidOperationException("The runtime stopped on its own.");
                }

                all = await store.ListAsync(null, activeOnly: false, CancellationToken.None);
                if (all.FirstOrDefault(r => r.Status == BackfillStatus.Failed) is { } failed)
                {
                    throw new InvalidOperationException($"The backfill of {failed.Request.Table} failed: {failed.Error}");
                }

                return all.Count == count && all.All(r => r.Status == BackfillStatus.Completed);
            },
            () => $"{count} backfills completed (have {string.Join(", ", all.Select(r => $"{r.Request.Table} {r.Status}"))})",
            timeout);
        return all;
    }

    private static async Task<BackfillRecord> WaitForBackfillAsync(DatabaseScenario scenario, InProcessRuntime runtime, BackfillStatus status, TimeSpan timeout)
    {
        await using var store = new BackfillStore(scenario.Server.ConnectionString(scenario.Database));
        BackfillRecord? found = null;
        await Eventually.UntilAsync(
            async () =>
            {
                if (runtime.Completion.IsCompleted)
                {
                    await runtime.Completion;
                    throw new InvalidOperationException("The runtime stopped on its own.");
                }

                var all = await store.ListAsync(null, activeOnly: false, CancellationToken.None);
                found = all.FirstOrDefault();
                if (found?.Status == BackfillStatus.Failed)
                {
                    throw new InvalidOperationException("The backfill failed: " + found.Error);
                }

                return found?.Status == status;
            },
            () => $"the backfill is {status} (now {found?.Status}, {found?.RowsRead} rows read)",
            timeout);
        return found!;
    }

    private static async Task<(int Transactions, int Changes)> WriteRandomlyAsync(NpgsqlDataSource dataSource, CancellationToken stop)
    {
        var random = new Random(15);
        var transactions = 0;
        var changes = 0;
        var nextId = 100_001;
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            var updated = Enumerable.Range(0, 20).Select(_ => random.Next(1, nextId)).ToArray();
            await using (var update = new NpgsqlCommand("UPDATE items SET v = v + 1, note = md5(random()::text) WHERE id = ANY(@ids)", connection, transaction))
            {
                update.Parameters.AddWithValue("ids", updated);
                changes += await update.ExecuteNonQueryAsync(CancellationToken.None);
            }

            await using (var delete = new NpgsqlCommand("DELETE FROM items WHERE id = ANY(@ids)", connection, transaction))
            {
                delete.Parameters.AddWithValue("ids", Enumerable.Range(0, 3).Select(_ => random.Next(1, nextId)).ToArray());
                changes += await delete.ExecuteNonQueryAsync(CancellationToken.None);
            }

            await using (var insert = new NpgsqlCommand("INSERT INTO items VALUES (@id, 0, 'new')", connection, transaction))
            {
                insert.Parameters.AddWithValue("id", nextId++);
                changes += await insert.ExecuteNonQueryAsync(CancellationToken.None);
            }

            await transaction.CommitAsync(CancellationToken.None);
            transactions++;
        }

        return (transactions, changes);
    }
}
