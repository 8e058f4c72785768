using Sequin.Core.Tests.Replication.Support;
using Sequin.Replication;
using Sequin.TestServers;

namespace Sequin.Core.Tests.Replication;

/// <remarks>Runs on every supported PostgreSQL major: see <see cref="PostgresVersionMatrix"/>.</remarks>
public abstract class AcknowledgementTests(PostgresFixture fixture)
{
    private const string Table = "CREATE TABLE items (id int PRIMARY KEY, name text)";

    [Fact]
    public async Task SlotDoesNotPassAnUndeliveredChangeAndAdvancesOnceItIsDelivered()
    {
        await using var harness = await ReplicationHarness.CreateAsync(fixture, Table);
        harness.Handler.WithholdCompletion = true;
        harness.Start();
        var start = await harness.ConfirmedFlushLsnAsync();

        await harness.ExecuteAsync("INSERT INTO items VALUES (1, 'a')");
        var message = Assert.Single(await harness.Handler.WaitForCountAsync(1));
        await ReplicationHarness.WaitUntilAsync(() => Task.FromResult(message.Transaction.EndLsn != 0), what: "commit");
        var endLsn = message.Transaction.EndLsn;

        // A status update sent after the transaction arrived (write_lsn is the received position) ...
        await ReplicationHarness.WaitUntilAsync(async () =>
        {
            var write = await harness.Server.ScalarAsync<string>(
                $"SELECT write_lsn::text FROM pg_stat_replication WHERE pid = (SELECT active_pid FROM pg_replication_slots WHERE slot_name = '{harness.SlotName}')", harness.Database);
            return write is not null && ReplicationHarness.ParseLsn(write) >= endLsn;
        }, what: "a status update after the change was received");

        // ... still confirms nothing past the undelivered change.
        var confirmed = await harness.ConfirmedFlushLsnAsync();
        // (PostgreSQL 14 also sends the empty transactions of Sequin's own writes, which may be confirmed: hence a range.)
        Assert.True(confirmed < message.CommitLsn, $"confirmed {confirmed} passed the undelivered change at {message.CommitLsn}");
        Assert.InRange(confirmed, start, message.CommitLsn - 1);
        Assert.InRange(harness.Tracker.GetConfirmableLsn(), start, message.CommitLsn - 1);

        harness.Handler.CompleteWithheld();
        await ReplicationHarness.WaitUntilAsync(async () => await harness.ConfirmedFlushLsnAsync() >= endLsn, what: "the slot to advance");
        // At least the transaction's end: with nothing undelivered, the end of the WAL the server sent is confirmed too.
        Assert.True(harness.Tracker.GetConfirmableLsn() >= endLsn);
    }

    [Fact]
    public async Task BlockedHandlerPausesReadingWithoutLosingChanges()
    {
        await using var harness = await ReplicationHarness.CreateAsync(fixture, Table);
        var gate = new TaskCompletionSource();
        harness.Handler.Gate = gate.Task;
        harness.Start();

        await harness.ExecuteAsync("INSERT INTO items VALUES (1, 'a'); INSERT INTO items VALUES (2, 'b'); INSERT INTO items VALUES (3, 'c')");
        var current = await harness.CurrentWalLsnAsync();
        await ReplicationHarness.WaitUntilAsync(async () =>
        {
            var sent = await harness.Server.ScalarAsync<string>("SELECT sent_lsn::text FROM pg_stat_replication LIMIT 1", harness.Database);
            return sent is not null && ReplicationHarness.ParseLsn(sent) >= current;
        }, what: "the server to send the changes");

        // Nothing past the undelivered changes is confirmed (what came before them may be: the start heartbeat, and on
        // PostgreSQL 14 the empty transactions of Sequin's own writes). Checked once they arrived, after the gate opened:
        // an assertion failing while the handler is blocked would leave the reading task waiting on the gate.
        var received = harness.Handler.Messages.Count;
        var confirmableWhileBlocked = harness.Tracker.GetConfirmableLsn();
        var confirmedWhileBlocked = await harness.ConfirmedFlushLsnAsync();

        gate.SetResult();
        var m = await harness.Handler.WaitForCountAsync(3);
        Assert.Equal(0, received);
        Assert.True(confirmableWhileBlocked < m[0].CommitLsn, $"the tracker passed the undelivered change at {m[0].CommitLsn}");
        Assert.True(confirmedWhileBlocked < m[0].CommitLsn, $"the slot passed the undelivered change at {m[0].CommitLsn}");
        Assert.Equal(["1", "2", "3"], m.Select(x => x.Record[0].Text));
        await ReplicationHarness.WaitUntilAsync(async () => await harness.ConfirmedFlushLsnAsync() >= m[2].Transaction.EndLsn, what: "the slot to advance");
    }

    [Fact]
    public async Task HeartbeatsAdvanceAnIdleSlotAndAreNotDelivered()
    {
        await using var harness = await ReplicationHarness.CreateAsync(fixture, Table, o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(200));
        var start = await harness.ConfirmedFlushLsnAsync();
        harness.Start();

        // WAL that decodes to no change (DDL) moves the server's position on; only a heartbeat lets the slot follow.
        await harness.ExecuteAsync("CREATE TABLE ddl_only (id int)");
        var walAfterOtherWork = await harness.CurrentWalLsnAsync();

        await ReplicationHarness.WaitUntilAsync(async () => await harness.ConfirmedFlushLsnAsync() > walAfterOtherWork, what: "heartbeats to advance the slot");
        Assert.True(await harness.ConfirmedFlushLsnAsync() > start);
        Assert.Empty(harness.Handler.Messages);
    }

    [Fact]
    public async Task ReconnectsAfterTheWalSenderIsTerminatedWithoutLosingChanges()
    {
        await using var harness = (await ReplicationHarness.CreateAsync(fixture, Table)).Start();
        await harness.ExecuteAsync("INSERT INTO items VALUES (1, 'before')");
        await harness.Handler.WaitForCountAsync(1);

        // The walsender that streamed the first change (read until it is listed: on a loaded machine the slot's
        // active_pid was once still null when the change had already arrived).
        var pid = 0;
        await ReplicationHarness.WaitUntilAsync(async () => (pid = await harness.ScalarAsync<int>($"SELECT coalesce(active_pid, 0) FROM pg_replication_slots WHERE slot_name = '{harness.SlotName}'")) > 0, what: "the slot's walsender to be listed");
        Assert.True(await harness.ScalarAsync<bool>($"SELECT pg_terminate_backend({pid})"));
        await harness.ExecuteAsync("INSERT INTO items VALUES (2, 'while down'); INSERT INTO items VALUES (3, 'while down')");

        var m = await harness.Handler.WaitForAsync(x => x.Any(c => c.Record[0].Text == "3"), TimeSpan.FromSeconds(30));
        Assert.Contains(m, c => c.Record[0].Text == "2");
        var newPid = await harness.ScalarAsync<int>($"SELECT active_pid FROM pg_replication_slots WHERE slot_name = '{harness.SlotName}'");
        Assert.NotEqual(pid, newPid);
        Assert.False(harness.Run!.IsCompleted);

        Assert.Contains(harness.Logger.Entries, e => e.EventId.Id == 1101 && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);

        // The slot still advances on the new connection.
        var last = m.Last(c => c.Record[0].Text == "3");
        await ReplicationHarness.WaitUntilAsync(async () => await harness.ConfirmedFlushLsnAsync() >= last.Transaction.EndLsn, what: "the slot to advance after reconnecting");
    }

    [Fact]
    public async Task MissingSlotIsAnErrorUnlessCreationIsAllowed()
    {
        var database = await fixture.CreateDatabaseAsync("noslot");
        await fixture.Server.ExecuteAsync(Table, database);
        var options = new ReplicationSourceOptions
        {
            ConnectionString = fixture.Server.ConnectionString(database),
            SlotName = "missing_slot",
            PublicationName = "pub",
            CreatePublicationIfNotExists = true,
        };
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new ReplicationSource(options).PrepareAsync(CancellationToken.None));
        Assert.Contains("missing_slot", error.Message, StringComparison.Ordinal);
        Assert.Contains("slot.create_if_not_exists", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(ReplicationSourceOptions.CreateSlotIfNotExists), error.Message, StringComparison.Ordinal);

        options.CreateSlotIfNotExists = true;
        var source = new ReplicationSource(options);
        var first = await source.PrepareAsync(CancellationToken.None);
        var second = await source.PrepareAsync(CancellationToken.None);
        Assert.True(first > 0);
        Assert.Equal(first, second);
        Assert.True(await fixture.Server.ScalarAsync<bool>("SELECT pubviaroot FROM pg_publication WHERE pubname = 'pub'", database));
        if (fixture.Version >= PostgresVersion.V15)
        {
            Assert.Equal("public", await fixture.Server.ScalarAsync<string>(
                "SELECT n.nspname FROM pg_publication_namespace pn JOIN pg_namespace n ON n.oid = pn.pnnspid JOIN pg_publication p ON p.oid = pn.pnpubid WHERE p.pubname = 'pub'", database));
        }
        else
        {
            // PostgreSQL 14 has no FOR TABLES IN SCHEMA: the publication lists the tables schema public held.
            Assert.Equal("public.items", await fixture.Server.ScalarAsync<string>(
                "SELECT string_agg(schemaname || '.' || tablename, ',') FROM pg_publication_tables WHERE pubname = 'pub'", database));
        }
    }

    [Fact]
    public async Task MissingPublicationIsAnErrorUnlessCreationIsAllowed()
    {
        var database = await fixture.CreateDatabaseAsync("nopub");
        await fixture.Server.ExecuteAsync(Table + "; CREATE TABLE other (id int PRIMARY KEY)", database);
        var options = new ReplicationSourceOptions
        {
            ConnectionString = fixture.Server.ConnectionString(database),
            SlotName = "s",
            PublicationName = "only_items",
            CreateSlotIfNotExists = true,
        };
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new ReplicationSource(options).PrepareAsync(CancellationToken.None));
        Assert.Contains("only_items", error.Message, StringComparison.Ordinal);

        options.CreatePublicationIfNotExists = true;
        options.PublicationTables.Add("public.items");
        await new ReplicationSource(options).PrepareAsync(CancellationToken.None);
        Assert.Equal("items", await fixture.Server.ScalarAsync<string>(
            "SELECT string_agg(tablename, ',') FROM pg_publication_tables WHERE pubname = 'only_items'", database));
    }

    [Fact]
    public async Task CancellationStopsTheSourceAndReleasesTheSlot()
    {
        var harness = (await ReplicationHarness.CreateAsync(fixture, Table)).Start();
        await harness.ExecuteAsync("INSERT INTO items VALUES (1, 'a')");
        await harness.Handler.WaitForCountAsync(1);
        var run = harness.Run!;
        await harness.DisposeAsync();

        Assert.True(run.IsCanceled, $"run ended as {run.Status}: {run.Exception}");
        Assert.Contains(harness.Logger.Entries, e => e.EventId.Id == 1111);
        await ReplicationHarness.WaitUntilAsync(
            async () => !await harness.ScalarAsync<bool>($"SELECT active FROM pg_replication_slots WHERE slot_name = '{harness.SlotName}'"),
            what: "the slot to be released");
    }
}
