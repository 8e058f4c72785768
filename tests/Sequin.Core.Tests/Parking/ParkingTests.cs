using Npgsql;
using Sequin.Core.Tests.Replication.Support;
using Sequin.Core.Tests.Support;
using Sequin.Parking;
using Sequin.Pipeline;
using Sequin.Sinks;
using Sequin.TestServers;

namespace Sequin.Core.Tests.Parking;

/// <summary>Parking through a real consumer and the PostgreSQL store (the sink and the clock are fakes).</summary>
[Collection(PostgresCollection.Name)]
public sealed class ParkingTests(PostgresFixture fixture)
{
    private static string Row(RoutedMessage m) => m.Message.Record[0].Text!;

    private static string Name(RoutedMessage m) => m.Message.Record[1].Text!;

    /// <summary>A sink that fails every message named "poison" while <paramref name="failing"/> says so, counting its attempts.</summary>
    private static Func<SinkBatch, CancellationToken, ValueTask<BatchResult>> FailPoison(Func<bool> failing, Action attempt) =>
        (batch, _) => ValueTask.FromResult(BatchResult.PerMessage(batch.Messages.Select(m =>
        {
            if (Name(m) != "poison")
            {
                return DeliveryOutcome.Delivered;
            }

            attempt();
            return failing() ? DeliveryOutcome.Retry("poison refused") : DeliveryOutcome.Delivered;
        }).ToArray()));

    private static SinkConsumerSettings Settings(int parkAfter = 2, int? maxRetryCount = null) =>
        ConsumerHarness.Settings_(partitions: 2, maxRetryCount: maxRetryCount) with { ParkAfterFailures = parkAfter };

    private async Task<(PostgresParkingStore Store, string ConnectionString)> StoreAsync()
    {
        var database = await fixture.CreateDatabaseAsync("parking");
        var cs = fixture.Server.ConnectionString(database);
        return (new PostgresParkingStore(cs), cs);
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task AMessageThatKeepsFailingIsParkedWithTheLaterMessagesOfItsRowSoTheSlotAdvancesAndTheyAreDeliveredInOrderOnceItSucceeds()
    {
        var (store, cs) = await StoreAsync();
        await using var _ = store;
        var failing = true;
        var attempts = 0;
        await using var h = new ConsumerHarness(Settings(), parking: store);
        h.Pipeline.OnDeliver = FailPoison(() => Volatile.Read(ref failing), () => Interlocked.Increment(ref attempts));
        var t0 = h.Time.GetUtcNow();

        await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "poison")]);
        await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "later")]);
        await h.FeedAsync([Some.Change(2, Some.Transaction(), name: "other")]);
        await Wait.UntilAsync(() => Volatile.Read(ref attempts) == 1, "the first attempt");
        Assert.Equal(0UL, h.Tracker.GetConfirmableLsn());

        // The second failure parks row 1 (poison, later): both are settled and the slot may pass them.
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(1), "first retry");
        await Wait.UntilAsync(() => h.Consumer.ParkedMessages == 2, "row 1 is parked");
        var third = await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "latest")]);
        await Wait.UntilAsync(() => h.Consumer.ParkedMessages == 3, "a later change of the parked row is parked behind it");
        Assert.Equal(third.EndLsn, h.Tracker.GetConfirmableLsn());
        Assert.Equal(0, h.Consumer.BufferedMessages);
        Assert.Equal(["other"], h.Pipeline.Delivered.Select(Name));
        Assert.Equal(3, await CountAsync(cs, "select count(*) from sequin_state.parked_messages where sink = 'sink-1'"));

        // Retried from the table with the same backoff: attempt 3 after 2 s more.
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(3), "first retry from the table");
        await Wait.UntilAsync(() => Volatile.Read(ref attempts) == 3, "the third attempt, read from the table");
        await Wait.UntilAsync(() => h.Time.DueTimes.Contains(t0 + TimeSpan.FromSeconds(7)), "the failure is recorded and the next attempt scheduled");
        Assert.Equal(3, await CountAsync(cs, "select failed_attempts from sequin_state.parked_messages where sink = 'sink-1' order by id limit 1"));
        Volatile.Write(ref failing, false);
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(7), "second retry from the table");

        await Wait.UntilAsync(() => h.Consumer.UnparkedMessages == 3, "the parked row is delivered from the table");
        Assert.Equal(["poison", "later", "latest"], h.Pipeline.Delivered.Where(m => Row(m) == "1").Select(Name));
        Assert.Equal(0, await CountAsync(cs, "select count(*) from sequin_state.parked_messages"));
        Assert.Equal(4, h.Consumer.DeliveredMessages);
        Assert.Contains(h.Logger.Entries, e => e.EventId.Id == 1250 && e.Message.Contains("poison refused", StringComparison.Ordinal));

        // The row is back to normal: a new change of it is delivered without parking.
        await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "after")]);
        await Wait.UntilAsync(() => h.Consumer.DeliveredMessages == 5, "a new change of the row");
        Assert.Equal(3, h.Consumer.ParkedMessages);
    }

    [Fact]
    public async Task ARejectedMessageIsParkedAtOnceWithItsRowAndNotRetriedUntilAnOperatorAsks()
    {
        var (store, cs) = await StoreAsync();
        await using var _ = store;
        var attempts = 0;
        var rejecting = true;
        await using var h = new ConsumerHarness(Settings(parkAfter: 5) with { RetryRequestPollInterval = TimeSpan.FromMilliseconds(50) }, parking: store);
        h.Pipeline.OnDeliver = (batch, _) => ValueTask.FromResult(BatchResult.PerMessage(batch.Messages.Select(m =>
        {
            if (Name(m) != "huge")
            {
                return DeliveryOutcome.Delivered;
            }

            Interlocked.Increment(ref attempts);
            return Volatile.Read(ref rejecting) ? DeliveryOutcome.Reject("Message of 300000 bytes exceeds the sink's limit of 262144 bytes") : DeliveryOutcome.Delivered;
        }).ToArray()));
        var t0 = h.Time.GetUtcNow();

        await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "huge")]);
        var later = await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "later")]);
        await h.FeedAsync([Some.Change(2, Some.Transaction(), name: "other")]);

        // Parked after its first attempt (not park_after_failures: 5), with the later change of its row.
        await Wait.UntilAsync(() => h.Consumer.ParkedMessages == 2, "the rejected row is parked at once");
        await Wait.UntilAsync(() => h.Tracker.GetConfirmableLsn() >= later.EndLsn, "the slot may pass it");
        Assert.Equal(1, Volatile.Read(ref attempts));
        Assert.Equal(1, h.Consumer.PermanentFailures);
        Assert.Contains(h.Logger.Entries, e => e.EventId.Id == 1255 && e.Message.Contains("can never be delivered as it is", StringComparison.Ordinal));

        // Not retried on its own: its next attempt is not scheduled.
        Assert.Equal(2, await CountAsync(cs, "select count(*) from sequin_state.parked_messages where next_attempt_at > now() + interval '50 years'"));
        Assert.DoesNotContain(h.Time.DueTimes, d => d > t0 + TimeSpan.FromSeconds(1) && d < t0 + TimeSpan.FromDays(365));

        // After a fix, the operator's retry delivers it and the row's later change, in order.
        Volatile.Write(ref rejecting, false);
        Assert.Equal(2, await store.RetryNowAsync("sink-1", null, CancellationToken.None));
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromMilliseconds(50), "the retry-request poll");
        await Wait.UntilAsync(() => h.Consumer.UnparkedMessages == 2, "the operator's retry delivers the row");
        Assert.Equal(["huge", "later"], h.Pipeline.Delivered.Where(m => Row(m) == "1").Select(Name));
        Assert.Equal(0, await CountAsync(cs, "select count(*) from sequin_state.parked_messages"));
    }

    [Fact]
    public async Task AStoppedConsumerNoLongerPollsForRetryRequestsSoItsStoreMayBeReleased()
    {
        var (store, _) = await StoreAsync();
        var time = new FakeTimeProvider();
        var poll = TimeSpan.FromSeconds(7); // no other timer of the consumer uses this interval
        await using var h = new ConsumerHarness(Settings() with { RetryRequestPollInterval = poll }, parking: store, time: time);
        var firstPoll = time.GetUtcNow() + poll;
        await Wait.UntilAsync(() => time.DueTimes.Contains(firstPoll), "the retry-request poll is armed");

        await h.Consumer.StopAsync(CancellationToken.None);

        Assert.DoesNotContain(firstPoll, time.DueTimes); // stopped with the consumer, not later
        await store.DisposeAsync(); // what the runtime does once its sinks have stopped
        time.Advance(poll * 3);
        Assert.DoesNotContain(h.Logger.Entries, e => e.Message.Contains("Reading retry requests", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ParkedMessagesSurviveARestartAndNewChangesOfTheirRowWaitBehindThem()
    {
        var (store, cs) = await StoreAsync();
        await using var _ = store;
        var failing = true;
        var attempts = 0;
        var time = new FakeTimeProvider();
        await using (var first = new ConsumerHarness(Settings(), parking: store, time: time))
        {
            first.Pipeline.OnDeliver = FailPoison(() => true, () => Interlocked.Increment(ref attempts));
            await first.FeedAsync([Some.Change(1, Some.Transaction(), name: "poison")]);
            await first.FeedAsync([Some.Change(1, Some.Transaction(), name: "later")]);
            await Wait.UntilAsync(() => Volatile.Read(ref attempts) == 1, "the first attempt");
            await Wait.AdvanceToTimerAsync(time, time.GetUtcNow() + TimeSpan.FromSeconds(1), "first retry");
            await Wait.UntilAsync(() => first.Consumer.ParkedMessages == 2, "row 1 is parked");
        }

        Assert.Equal(2, await CountAsync(cs, "select count(*) from sequin_state.parked_messages"));
        await using var second = new ConsumerHarness(Settings(), parking: store, time: time);
        second.Pipeline.OnDeliver = FailPoison(() => Volatile.Read(ref failing), () => Interlocked.Increment(ref attempts));
        Assert.Contains(second.Logger.Entries, e => e.EventId.Id == 1252);
        Assert.Equal(2, second.Consumer.ParkedNow); // the two found in the table count as parked (issue 28 item 5)
        var newer = await second.FeedAsync([Some.Change(1, Some.Transaction(), name: "newer")]);
        await Wait.UntilAsync(() => second.Consumer.ParkedMessages == 3, "the new change of the parked row is parked behind the two found at start");
        Assert.Equal(newer.EndLsn, second.Tracker.GetConfirmableLsn());
        Assert.Empty(second.Pipeline.Delivered);

        Volatile.Write(ref failing, false);
        var due = time.GetUtcNow() + TimeSpan.FromSeconds(2);
        await Wait.AdvanceToTimerAsync(time, due, "the parked head's next attempt, as recorded in the table");
        await Wait.UntilAsync(() => second.Consumer.UnparkedMessages == 3, "everything parked is delivered after the restart");
        Assert.Equal(["poison", "later", "newer"], second.Pipeline.Delivered.Select(Name));
        Assert.Equal(0, second.Consumer.ParkedNow); // not -2: parked minus unparked is what the table holds
        Assert.Equal(0, await CountAsync(cs, "select count(*) from sequin_state.parked_messages"));
    }

    [Fact]
    public async Task AnOperatorsDiscardLowersTheParkedCountRaisesTheDiscardedOneAndARestartCountsTheStoredDiscards()
    {
        var (store, _) = await StoreAsync();
        await using var __ = store;
        var time = new FakeTimeProvider();
        var poll = TimeSpan.FromSeconds(7);
        await using (var h = new ConsumerHarness(Settings(parkAfter: 1) with { RetryRequestPollInterval = poll }, parking: store, time: time))
        {
            h.Pipeline.OnDeliver = FailPoison(() => true, () => { });
            await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "poison")]);
            await h.FeedAsync([Some.Change(2, Some.Transaction(), name: "poison")]);
            await Wait.UntilAsync(() => h.Consumer.ParkedNow == 2, "two rows parked");

            // Discarded from outside (the API's or the console's Discard all, sequin messages discard --all).
            Assert.Equal(2, await store.DiscardParkedAsync("sink-1", null, "public.t", "by hand", CancellationToken.None));
            await Wait.UntilAsync(
                () =>
                {
                    time.Advance(poll); // the running consumer hears of it at its next poll for requests
                    return h.Consumer.ParkedNow == 0;
                },
                "the parked count back to 0 (it stayed at 2: issue 33)");
            Assert.Equal(2, h.Consumer.DiscardedMessages);
        }

        // After a restart the discard records kept in the store are counted (issue 28 item 5, issue 33).
        await using var second = new ConsumerHarness(Settings(parkAfter: 1), parking: store, time: time);
        Assert.Equal(2, second.Consumer.DiscardedMessages);
        Assert.Equal(0, second.Consumer.ParkedNow);
    }

    [Fact]
    public async Task MaxRetryCountDiscardsAParkedMessageWithARecordOfWhyAndTheNextOfItsRowFollows()
    {
        var (store, cs) = await StoreAsync();
        await using var _ = store;
        var attempts = 0;
        await using var h = new ConsumerHarness(Settings(parkAfter: 1, maxRetryCount: 3), parking: store);
        h.Pipeline.OnDeliver = FailPoison(() => true, () => Interlocked.Increment(ref attempts));
        var t0 = h.Time.GetUtcNow();

        await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "poison")]);
        var last = await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "later")]);
        await Wait.UntilAsync(() => h.Consumer.ParkedMessages == 2, "parked after the first failure");
        Assert.Equal(last.EndLsn, h.Tracker.GetConfirmableLsn());
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(1), "first retry");
        await Wait.UntilAsync(() => Volatile.Read(ref attempts) == 2, "the second attempt");
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(3), "second retry");

        await Wait.UntilAsync(() => h.Consumer.UnparkedMessages == 1, "the discarded poison leaves room for the next of its row");
        Assert.Equal(1, h.Consumer.DiscardedMessages);
        Assert.Equal(["later"], h.Pipeline.Delivered.Select(Name));
        Assert.Equal(1, await CountAsync(cs, "select count(*) from sequin_state.discarded_messages where sink = 'sink-1' and failed_attempts = 3 and reason = 'poison refused' and table_name = 'public.t' and group_id = '1'"));
        Assert.Equal(0, await CountAsync(cs, "select count(*) from sequin_state.parked_messages"));
    }

    [Fact]
    public async Task WithoutParkingADiscardInMemoryIsAlsoRecordedAndTheOperatorCanListRetryAndDiscardParkedMessages()
    {
        var (store, cs) = await StoreAsync();
        await using var _ = store;
        await using (var h = new ConsumerHarness(Settings(parkAfter: 0, maxRetryCount: 1), parking: store))
        {
            h.Pipeline.OnDeliver = FailPoison(() => true, () => { });
            var txn = await h.FeedAsync([Some.Change(5, Some.Transaction(), name: "poison")]);
            await Wait.UntilAsync(() => h.Consumer.DiscardedMessages == 1 || h.Logger.Entries.Any(e => e.EventId.Id == 1251), "discarded after one failure");
            Assert.False(h.Logger.Entries.Any(e => e.EventId.Id == 1251), string.Join("\n", h.Logger.Entries.Select(e => e.Message)));
            Assert.Equal(txn.EndLsn, h.Tracker.GetConfirmableLsn());
            Assert.Equal(0, h.Consumer.ParkedMessages);
        }

        var discarded = Assert.Single(await store.ListAsync("sink-1", discarded: true, afterId: 0, limit: 10, CancellationToken.None));
        Assert.Equal(("public.t", "update", "5", "poison refused"), (discarded.Table, discarded.Action, discarded.GroupId, discarded.Error));

        var message = Some.Change(9, Some.Transaction(), name: "x");
        var key = new ParkingKey(message.Relation.Oid, false, "9");
        await store.ParkAsync("sink-1", [new ParkedWrite(key, true, message, 4, "boom", DateTimeOffset.UnixEpoch.AddYears(100))], CancellationToken.None);
        var parked = Assert.Single(await store.ListAsync("sink-1", discarded: false, afterId: 0, limit: 10, CancellationToken.None));
        Assert.Equal((4, "boom", message.CommitLsn), (parked.FailedAttempts, parked.Error, parked.CommitLsn));
        Assert.Equal(1, await store.RetryNowAsync("sink-1", [parked.Id], CancellationToken.None));
        Assert.True((await store.LoadGroupsAsync("sink-1", CancellationToken.None))[0].NextAttemptAt < DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(1, await store.DiscardParkedAsync("sink-1", null, "discarded by an operator", CancellationToken.None));
        Assert.Empty(await store.ListAsync(null, discarded: false, afterId: 0, limit: 10, CancellationToken.None));
        Assert.Equal(1, await CountAsync(cs, "select count(*) from sequin_state.discarded_messages where reason = 'discarded by an operator' and group_id = '9'"));
    }
}
