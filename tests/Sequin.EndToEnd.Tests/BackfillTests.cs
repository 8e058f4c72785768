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
