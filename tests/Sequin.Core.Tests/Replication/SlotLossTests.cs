using Sequin.Core.Tests.Replication.Support;
using Sequin.Replication;
using Sequin.TestServers;

namespace Sequin.Core.Tests.Replication;

/// <summary>
/// Issue 10: a slot that is dropped and created again under a running source is at a position past what the source
/// acknowledged; the changes in between were skipped. Reading on would lose them silently: it is an error naming the range.
/// </summary>
/// <remarks>Runs on every supported PostgreSQL major: see <see cref="PostgresVersionMatrix"/>.</remarks>
public abstract class SlotLossTests(PostgresFixture fixture)
{
    [Fact]
    public async Task ASlotRecreatedWhileReadingStopsTheSourceWithTheSkippedRange()
    {
        var harness = await ReplicationHarness.CreateAsync(
            fixture,
            "CREATE TABLE items (id int PRIMARY KEY)",
            o =>
            {
                o.ReconnectBaseDelay = TimeSpan.FromSeconds(2);
                o.ReconnectMaxDelay = TimeSpan.FromSeconds(2);
            });
        try
        {
            await RecreateUnderTheSourceAsync(harness);
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

    private static async Task RecreateUnderTheSourceAsync(ReplicationHarness harness)
    {
        harness.Start();
        await harness.ExecuteAsync("INSERT INTO items VALUES (1)");
        await harness.Handler.WaitForCountAsync(1);
        var delivered = await harness.CurrentWalLsnAsync();
        await ReplicationHarness.WaitUntilAsync(async () => await harness.ConfirmedFlushLsnAsync() >= delivered, what: "the first change acknowledged");

        // Drop the slot under the source, commit a change it will never see, and create the slot again.
        await harness.ExecuteAsync($"SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '{harness.SlotName}'");
        await ReplicationHarness.WaitUntilAsync(
            async () => !await harness.ScalarAsync<bool>($"SELECT active FROM pg_replication_slots WHERE slot_name = '{harness.SlotName}'"),
            what: "the walsender to end");
        await harness.ExecuteAsync($"SELECT pg_drop_replication_slot('{harness.SlotName}')");
        await harness.ExecuteAsync("INSERT INTO items VALUES (2)");
        await harness.ExecuteAsync($"SELECT pg_create_logical_replication_slot('{harness.SlotName}', 'pgoutput')");
        var recreatedAt = await harness.ConfirmedFlushLsnAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Run!.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"Replication slot '{harness.SlotName}' is at {new NpgsqlTypes.NpgsqlLogSequenceNumber(recreatedAt)}, past the last position Sequin acknowledged", error.Message, StringComparison.Ordinal);
        Assert.Contains("were skipped and not delivered", error.Message, StringComparison.Ordinal);
        Assert.Single(harness.Handler.Messages);
    }
}
