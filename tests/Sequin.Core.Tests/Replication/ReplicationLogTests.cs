using Microsoft.Extensions.Logging;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Sequin.Core.Tests.Replication.Support;
using Sequin.TestServers;

namespace Sequin.Core.Tests.Replication;

/// <summary>
/// Issue 10: replication logs an operator can read. A slot held by another process is reported as such (not as a lost
/// connection), "Replication started" comes only once START_REPLICATION has succeeded, and a routine reconnect is one
/// line with its reason and no stack trace.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicationLogTests(PostgresFixture fixture)
{
    private const int Started = 1100;
    private const int ConnectionLost = 1101;
    private const int SlotInUse = 1113;

    [Fact]
    public async Task ASlotHeldByAnotherProcessIsReportedAsInUseAndStartedIsLoggedOnlyOnceReplicationReallyStarts()
    {
        await using var harness = await ReplicationHarness.CreateAsync(fixture, "CREATE TABLE items (id int PRIMARY KEY)");

        // Another process holds the slot.
        await using (var other = new LogicalReplicationConnection(harness.Options.ConnectionString))
        {
            await other.Open();
            using var release = new CancellationTokenSource();
            var holding = Task.Run(async () =>
            {
                try
                {
                    var options = new PgOutputReplicationOptions(harness.Options.PublicationName, PgOutputProtocolVersion.V1);
                    await foreach (var _ in other.StartReplication(new PgOutputReplicationSlot(harness.SlotName), options, release.Token))
                    {
                    }
                }
                catch (Exception e) when (release.IsCancellationRequested && e is OperationCanceledException or Npgsql.NpgsqlException)
                {
                }
            });
            await ReplicationHarness.WaitUntilAsync(
                async () => await harness.ScalarAsync<bool>($"SELECT active FROM pg_replication_slots WHERE slot_name = '{harness.SlotName}'"),
                what: "the other process to hold the slot");

            harness.Start();
            await ReplicationHarness.WaitUntilAsync(
                () => Task.FromResult(harness.Logger.Entries.Count(e => e.EventId.Id == SlotInUse) >= 2),
                what: "two 'in use' reports");

            var inUse = harness.Logger.Entries.First(e => e.EventId.Id == SlotInUse);
            Assert.Equal(LogLevel.Warning, inUse.Level);
            Assert.Contains($"Replication slot {harness.SlotName} is in use by another process", inUse.Message, StringComparison.Ordinal);
            Assert.Contains("is active for PID", inUse.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(harness.Logger.Entries, e => e.EventId.Id is Started or ConnectionLost);

            await release.CancelAsync();
            await holding;
        }

        // Released: replication starts, and only now is "started" logged.
        await harness.ExecuteAsync("INSERT INTO items VALUES (1)");
        await harness.Handler.WaitForCountAsync(1);
        var entries = harness.Logger.Entries.ToList();
        var started = entries.FindIndex(e => e.EventId.Id == Started);
        Assert.True(started > entries.FindLastIndex(e => e.EventId.Id == SlotInUse), "started was logged before the slot was free");
        Assert.DoesNotContain(harness.Logger.Exceptions, e => e.EventId.Id is SlotInUse or ConnectionLost);
    }

    [Fact]
    public async Task AnExpectedReconnectIsOneLineWithItsReasonAndNoStackTrace()
    {
        await using var harness = await ReplicationHarness.CreateAsync(fixture, "CREATE TABLE items (id int PRIMARY KEY)");
        harness.Start();
        await harness.ExecuteAsync("INSERT INTO items VALUES (1)");
        await harness.Handler.WaitForCountAsync(1);

        await harness.ExecuteAsync($"SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '{harness.SlotName}'");
        await ReplicationHarness.WaitUntilAsync(() => Task.FromResult(harness.Logger.Entries.Any(e => e.EventId.Id == ConnectionLost)), what: "the reconnect line");
        await harness.ExecuteAsync("INSERT INTO items VALUES (2)");
        await harness.Handler.WaitForCountAsync(2);

        var lost = harness.Logger.Entries.First(e => e.EventId.Id == ConnectionLost);
        Assert.Equal(LogLevel.Warning, lost.Level);
        Assert.Matches(@"lost \(.+\); reconnecting in \d+ ms \(attempt 1\)", lost.Message);
        Assert.Contains("terminating connection due to administrator command", lost.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Logger.Exceptions, e => e.EventId.Id != 1114); // the exception goes to the Debug detail only
    }
}
