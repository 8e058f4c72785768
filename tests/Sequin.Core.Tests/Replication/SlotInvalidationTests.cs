using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Sequin.Core.Tests.Replication.Support;
using Sequin.Diagnostics;
using Sequin.TestServers;

namespace Sequin.Core.Tests.Replication;

/// <summary>
/// Issue 30, item 3: a slot PostgreSQL invalidated (here by <c>max_slot_wal_keep_size</c>, <c>invalidation_reason</c>
/// on 17) is an error naming the reason, counted in <c>sequin.replication.slot.invalidated</c> and kept on the
/// database's status for the health checks; the source stops instead of reconnecting. A server of its own: the test
/// changes a server setting.
/// </summary>
public sealed class SlotInvalidationTests
{
    [Fact]
    public async Task AnInvalidatedSlotStopsTheSourceWithTheReasonCountsItAndFailsHealth()
    {
        var invalidations = new ConcurrentQueue<(long Value, string? Reason)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SequinMetrics.MeterName && instrument.Name == "sequin.replication.slot.invalidated")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? reason = null;
            var ours = false;
            foreach (var tag in tags)
            {
                ours |= tag is { Key: "sequin.database.name", Value: "invalidated-db" };
                reason = tag.Key == "sequin.slot.invalidation_reason" ? tag.Value as string : reason;
            }

            if (ours)
            {
                invalidations.Enqueue((value, reason));
            }
        });
        listener.Start();

        using var metrics = new SequinMetrics();
        var status = new ReplicationStatus("invalidated-db", metrics);
        await using var server = await PostgresServer.StartAsync(PostgresVersion.V17);
        await server.CreateDatabaseAsync("invalidated");
        var harness = await ReplicationHarness.CreateAsync(server, "invalidated", "CREATE TABLE items (id int PRIMARY KEY)", o => o.Status = status);
        try
        {
            await server.ExecuteAsync("ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'");
            await server.ExecuteAsync("SELECT pg_reload_conf()");
            for (var i = 1; i <= 3; i++)
            {
                await harness.ExecuteAsync($"INSERT INTO items VALUES ({i})");
                await harness.ExecuteAsync("SELECT pg_switch_wal()");
            }

            await harness.ExecuteAsync("CHECKPOINT");
            Assert.Null(status.SlotFailure);

            // Reading stops (RunAsync ends with the error) rather than reconnecting.
            harness.Start();
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Run!.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains($"Replication slot '{harness.SlotName}' was invalidated by PostgreSQL (wal_removed:", error.Message, StringComparison.Ordinal);
            Assert.Contains("max_slot_wal_keep_size", error.Message, StringComparison.Ordinal);
            Assert.Contains($"pg_drop_replication_slot('{harness.SlotName}')", error.Message, StringComparison.Ordinal);
            Assert.Empty(harness.Handler.Messages);

            Assert.Equal(error.Message, status.SlotFailure);
            Assert.Equal([(1L, "wal_removed")], invalidations);
        }
        finally
        {
            try
            {
                await harness.DisposeAsync();
            }
            catch (InvalidOperationException)
            {
                // The run's failure, asserted above.
            }
        }
    }
}
