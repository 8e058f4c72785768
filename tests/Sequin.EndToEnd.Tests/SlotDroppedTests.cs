using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 10, fault injection: the replication slot is dropped under a running host (<c>create_if_not_exists: true</c>).
/// The host must not create it again at the current position (which skipped 850 changes silently on main): it stops
/// with an error naming the lost range and the way out, a restart refuses the same way (no crash loop of silent
/// recreations), and the documented recovery works.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class SlotDroppedTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ASlotDroppedUnderARunningHostStopsItWithTheLostRangeAndIsNeverRecreatedSilently()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "slotdrop");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v int)");
        var config = scenario.WriteConfig();
        await using var host = SequinHostProcess.Start(config);
        await scenario.WaitForSlotActiveAsync(host);

        for (var i = 1; i <= 100; i++)
        {
            await scenario.ExecuteAsync($"INSERT INTO t VALUES ({i}, 0)");
        }

        var lastDeliveredCommit = (ulong)await scenario.ScalarAsync<NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");
        await scenario.WaitForMessagesAsync(100, host);
        await Eventually.UntilAsync(async () => await scenario.ConfirmedFlushAsync() >= lastDeliveredCommit, () => "the 100 changes acknowledged");

        // Drop the slot under the host (terminating its walsender first), then commit changes the slot would have held.
        await DropSlotAsync(scenario);
        var beforeLost = (ulong)await scenario.ScalarAsync<NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");
        await scenario.ExecuteAsync("INSERT INTO t SELECT g, 0 FROM generate_series(101, 150) g");

        // The host stops by itself, with an error, and does not create the slot again.
        await host.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, host.ExitCode);
        var output = host.Output;
        // Seen while streaming, or (when the drop ended the connection first) on the reconnect: both name the slot and stop.
        Assert.True(
            output.Contains($"Replication slot '{scenario.SlotName}' was dropped while Sequin was reading it", StringComparison.Ordinal)
            || output.Contains($"Replication slot '{scenario.SlotName}' does not exist, but Sequin has read it since", StringComparison.Ordinal),
            "no slot-dropped error in:\n" + output);
        Assert.Contains("DELETE FROM sequin_state.replication_slots", output, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(output, "Created logical replication slot"));
        Assert.Equal(0L, await scenario.ScalarAsync<long>($"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{scenario.SlotName}'"));

        // The range named starts at what was acknowledged: at or after the last delivered change, before the lost ones.
        var range = LostRange().Match(output);
        Assert.True(range.Success, "no lost range in:\n" + output);
        var from = (ulong)NpgsqlLogSequenceNumber.Parse(range.Groups[1].Value);
        Assert.InRange(from, lastDeliveredCommit, beforeLost);

        // Everything committed before the drop arrived, once each.
        var delivered = StdoutSinkOutput.Read(scenario.OutputPath).Select(m => (int)m["record"]!["id"]!).ToList();
        Assert.Equal(Enumerable.Range(1, 100), delivered.Order());

        // A restart refuses too: the slot is known to have existed (durable record), so it is not created again.
        var (exit, restartOutput) = await SequinHostProcess.RunToEndAsync("run", "--config", config, "--plugins-dir", BuildPaths.Plugins);
        Assert.Equal(1, exit);
        Assert.Contains($"Replication slot '{scenario.SlotName}' does not exist, but Sequin has read it since", restartOutput, StringComparison.Ordinal);
        Assert.Equal(0L, await scenario.ScalarAsync<long>($"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{scenario.SlotName}'"));

        // The documented way out: delete the record, restart; the slot is created at the current position and new changes flow.
        await scenario.ExecuteAsync($"DELETE FROM sequin_state.replication_slots WHERE slot_name = '{scenario.SlotName}'");
        await using var recovered = SequinHostProcess.Start(config);
        await scenario.WaitForSlotActiveAsync(recovered);
        await scenario.ExecuteAsync("INSERT INTO t SELECT g, 0 FROM generate_series(151, 160) g");
        await scenario.WaitForMessagesAsync(110, recovered);
        Assert.Equal(0, await recovered.StopAsync());
        var after = StdoutSinkOutput.Read(scenario.OutputPath).Select(m => (int)m["record"]!["id"]!).ToList();
        Assert.Equal(Enumerable.Range(1, 100).Concat(Enumerable.Range(151, 10)), after.Order());

        // Sequin's own record is never delivered, though it lives in the source database.
        Assert.DoesNotContain(StdoutSinkOutput.Read(scenario.OutputPath), m => (string?)m["metadata"]!["table_schema"] == "sequin_state");
    }

    /// <summary>Terminates the slot's walsender and drops the slot before the host reconnects (retrying if it did).</summary>
    private static async Task DropSlotAsync(DatabaseScenario scenario)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await scenario.ExecuteAsync($"SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '{scenario.SlotName}' AND active_pid IS NOT NULL");
                await Eventually.UntilAsync(
                    async () => !await scenario.ScalarAsync<bool>($"SELECT active FROM pg_replication_slots WHERE slot_name = '{scenario.SlotName}'"),
                    () => "the walsender ended",
                    TimeSpan.FromSeconds(10));
                await scenario.ExecuteAsync($"SELECT pg_drop_replication_slot('{scenario.SlotName}')");
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && DateTime.UtcNow < deadline)
            {
                // The host reconnected in between: terminate it again.
            }
        }
    }

    [GeneratedRegex(@"after the last acknowledged position ([0-9A-F]+/[0-9A-F]+) up to ([0-9A-F]+/[0-9A-F]+)")]
    private static partial Regex LostRange();
}
