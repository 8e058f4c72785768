using System.Diagnostics;
using Sequin.Core.Tests.Replication.Support;
using Sequin.TestServers;
using Xunit.Abstractions;

namespace Sequin.Core.Tests.Replication;

/// <summary>
/// A logical walsender's fast shutdown waits until its client confirms everything it sent; WAL that pgoutput sends
/// nothing for (tables outside the publication, Sequin's own state) must be confirmed too, once nothing received is
/// undelivered, or the server hangs in shutdown (and an idle database retains WAL). Each test runs its own server of
/// the given major, under CPU load.
/// </summary>
/// <remarks>
/// Before the fix, <see cref="TheSlotFollowsWritesOutsideThePublication"/> failed here, but the fast stops through this
/// harness completed anyway (the hang was reproduced with the real host: see PostgresVersionsThroughHostTests); the
/// stop cycles stay as a guard on both majors, with and without heartbeats.
/// </remarks>
public sealed class ServerShutdownTests(ITestOutputHelper output)
{
    private const string Setup = """
        CREATE TABLE items (id int PRIMARY KEY, name text);
        CREATE SCHEMA outside;
        CREATE TABLE outside.unpublished (id int);
        """;

    /// <summary>Writes that decode to nothing the source receives: a table outside the publication and Sequin's own state.</summary>
    private const string UnpublishedWrites = """
        INSERT INTO outside.unpublished VALUES (1);
        UPDATE sequin_state.replication_slots SET first_used_at = now();
        """;

    private const int Cycles = 5;

    public static TheoryData<PostgresVersion, bool> Servers => new()
    {
        { PostgresVersion.V15, false },
        { PostgresVersion.V15, true },
        { PostgresVersion.V18, false },
        { PostgresVersion.V18, true },
    };

    public static TheoryData<PostgresVersion> Versions => new() { PostgresVersion.V15, PostgresVersion.V18 };

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task AFastStopOfTheServerCompletesWithinSecondsWhileTheSourceIsConnected(PostgresVersion version, bool heartbeats)
    {
        await using var server = await PostgresServer.StartAsync(version);
        await server.CreateDatabaseAsync("shutdown");
        await using var harness = await ReplicationHarness.CreateAsync(server, "shutdown", Setup, o =>
        {
            o.StatusInterval = TimeSpan.FromSeconds(1); // the default
            o.HeartbeatInterval = heartbeats ? TimeSpan.FromMilliseconds(200) : TimeSpan.Zero;
        });
        using var load = new CpuLoad(2);
        harness.Start();
        await harness.ExecuteAsync("INSERT INTO items VALUES (1, 'a')");
        await harness.Handler.WaitForCountAsync(1);

        var durations = new List<TimeSpan>();
        for (var cycle = 1; cycle <= Cycles; cycle++)
        {
            await WaitUntilStreamingAsync(harness);
            await harness.ExecuteAsync(UnpublishedWrites);
            var end = await harness.CurrentWalLsnAsync();
            await ReplicationHarness.WaitUntilAsync(async () => await SentLsnAsync(harness) >= end, what: $"the walsender to send past the writes (cycle {cycle})");

            var clock = Stopwatch.StartNew();
            // Before the fix: "server does not shut down" after the timeout, with flush_lsn behind sent_lsn.
            await server.StopAsync("fast", TimeSpan.FromSeconds(30));
            durations.Add(clock.Elapsed);
            await server.StartAgainAsync();
        }

        output.WriteLine($"PostgreSQL {(int)version}, heartbeats {(heartbeats ? "on" : "off")}: fast stops took "
            + string.Join(", ", durations.Select(d => $"{d.TotalSeconds:0.00} s")));
        Assert.All(durations, d => Assert.True(d < TimeSpan.FromSeconds(20), $"a fast stop took {d.TotalSeconds:0.0} s"));

        // The source reconnected after every restart and still delivers.
        await harness.ExecuteAsync("INSERT INTO items VALUES (2, 'after the restarts')");
        var messages = await harness.Handler.WaitForAsync(m => m.Any(c => c.Record[0].Text == "2"), TimeSpan.FromSeconds(60));
        Assert.Equal("after the restarts", messages.Last().Record[1].Text);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task TheSlotFollowsWritesOutsideThePublication(PostgresVersion version)
    {
        await using var server = await PostgresServer.StartAsync(version);
        await server.CreateDatabaseAsync("idle");
        await using var harness = await ReplicationHarness.CreateAsync(server, "idle", Setup);
        using var load = new CpuLoad(2);
        harness.Start();
        await WaitUntilStreamingAsync(harness);

        await harness.ExecuteAsync(UnpublishedWrites);
        var end = await harness.CurrentWalLsnAsync();

        await ReplicationHarness.WaitUntilAsync(async () => await harness.ConfirmedFlushLsnAsync() >= end, what: "confirmed_flush_lsn to follow writes outside the publication");
        Assert.Empty(harness.Handler.Messages);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task WritesOutsideThePublicationAreNotConfirmedPastAnUndeliveredChange(PostgresVersion version)
    {
        await using var server = await PostgresServer.StartAsync(version);
        await server.CreateDatabaseAsync("withheld");
        await using var harness = await ReplicationHarness.CreateAsync(server, "withheld", Setup);
        harness.Handler.WithholdCompletion = true;
        var start = await harness.ConfirmedFlushLsnAsync();
        harness.Start();

        await harness.ExecuteAsync("INSERT INTO items VALUES (1, 'a')");
        var message = Assert.Single(await harness.Handler.WaitForCountAsync(1));
        await harness.ExecuteAsync(UnpublishedWrites);
        var end = await harness.CurrentWalLsnAsync();

        // The source received the server's position past the writes and reported twice since ...
        await ReplicationHarness.WaitUntilAsync(async () => await WriteLsnAsync(harness) >= end, what: "a status update after the writes were read");
        var replies = await ReplyTimeAsync(harness);
        await ReplicationHarness.WaitUntilAsync(async () => await ReplyTimeAsync(harness) > replies, what: "another status update");
        replies = await ReplyTimeAsync(harness);
        await ReplicationHarness.WaitUntilAsync(async () => await ReplyTimeAsync(harness) > replies, what: "a third status update");

        // ... and still confirms nothing past the undelivered change. WAL written before its transaction (while nothing
        // was open, e.g. the server's own running-xacts records) may be confirmed; the change's commit may not: a slot
        // confirmed at or before a commit record sends that transaction again.
        Assert.InRange(await harness.ConfirmedFlushLsnAsync(), start, message.CommitLsn);
        Assert.InRange(harness.Tracker.GetConfirmableLsn(), start, message.CommitLsn);

        harness.Handler.CompleteWithheld();
        await ReplicationHarness.WaitUntilAsync(async () => await harness.ConfirmedFlushLsnAsync() >= end, what: "the slot to move past the writes once the change is delivered");
        Assert.True(message.Transaction.EndLsn <= end);
    }

    private static async Task WaitUntilStreamingAsync(ReplicationHarness harness) =>
        await ReplicationHarness.WaitUntilAsync(
            async () => await harness.ScalarAsync<string>(
                $"SELECT state FROM pg_stat_replication WHERE pid = (SELECT active_pid FROM pg_replication_slots WHERE slot_name = '{harness.SlotName}')") == "streaming",
            TimeSpan.FromSeconds(60),
            "the source to stream");

    private static Task<ulong> SentLsnAsync(ReplicationHarness harness) => ReplicationLsnAsync(harness, "sent_lsn");

    private static Task<ulong> WriteLsnAsync(ReplicationHarness harness) => ReplicationLsnAsync(harness, "write_lsn");

    private static async Task<ulong> ReplicationLsnAsync(ReplicationHarness harness, string column)
    {
        var text = await harness.ScalarAsync<string>(
            $"SELECT {column}::text FROM pg_stat_replication WHERE pid = (SELECT active_pid FROM pg_replication_slots WHERE slot_name = '{harness.SlotName}')");
        return text is null ? 0 : ReplicationHarness.ParseLsn(text);
    }

    private static async Task<DateTime> ReplyTimeAsync(ReplicationHarness harness) =>
        await harness.ScalarAsync<DateTime>(
            $"SELECT reply_time FROM pg_stat_replication WHERE pid = (SELECT active_pid FROM pg_replication_slots WHERE slot_name = '{harness.SlotName}')");
}
