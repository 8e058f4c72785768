using Sequin.Pipeline;

namespace Sequin.Core.Tests.Pipeline;

public sealed class PartitionInboxTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void TakeSwapsEveryWaitingEventInOrder()
    {
        var inbox = new PartitionInbox();
        var first = new DeliveryBatch("a", DateTimeOffset.MaxValue);
        var second = new DeliveryBatch("b", DateTimeOffset.MaxValue);
        inbox.Post(new PartitionEvent(null, first, Stop: false));
        inbox.Post(new PartitionEvent(null, second, Stop: false), wake: false);

        var events = new List<PartitionEvent>();
        inbox.Take(ref events, CancellationToken.None);

        Assert.Equal([first, second], events.Select(e => e.Completed));
    }

    [Fact]
    public async Task APostWakesTheSleepingLoop()
    {
        var inbox = new PartitionInbox();
        var taken = StartTaking(inbox);
        await WaitUntilSleepingAsync(inbox);

        inbox.Post(PartitionEvent.Tick);

        Assert.Single(await taken.WaitAsync(Timeout));
    }

    [Fact]
    public async Task DeferredPostsLeaveTheLoopAsleepUntilWake()
    {
        var inbox = new PartitionInbox();
        var taken = StartTaking(inbox);
        await WaitUntilSleepingAsync(inbox);

        for (var i = 0; i < PartitionInbox.WakeEvery - 1; i++)
        {
            inbox.Post(PartitionEvent.Tick, wake: false);
        }

        // No post pulsed the monitor: the loop cannot have left its wait.
        Assert.True(inbox.IsSleeping);
        Assert.False(taken.IsCompleted);

        inbox.Wake();
        Assert.Equal(PartitionInbox.WakeEvery - 1, (await taken.WaitAsync(Timeout)).Count);
    }

    [Fact]
    public async Task DeferredPostsWakeTheLoopOnceWakeEveryWait()
    {
        var inbox = new PartitionInbox();
        var taken = StartTaking(inbox);
        await WaitUntilSleepingAsync(inbox);

        for (var i = 0; i < PartitionInbox.WakeEvery; i++)
        {
            inbox.Post(PartitionEvent.Tick, wake: false);
        }

        Assert.Equal(PartitionInbox.WakeEvery, (await taken.WaitAsync(Timeout)).Count);
    }

    [Fact]
    public async Task InterruptEndsTheWaitOfACancelledLoop()
    {
        var inbox = new PartitionInbox();
        using var cts = new CancellationTokenSource();
        var taken = StartTaking(inbox, cts.Token);
        await WaitUntilSleepingAsync(inbox);

        await cts.CancelAsync();
        inbox.Interrupt();

        await Assert.ThrowsAsync<OperationCanceledException>(() => taken.WaitAsync(Timeout));
    }

    [Fact]
    public void ACancelledLoopTakesNothingEvenWithEventsWaiting()
    {
        var inbox = new PartitionInbox();
        inbox.Post(PartitionEvent.Tick);
        var events = new List<PartitionEvent>();

        Assert.Throws<OperationCanceledException>(() => inbox.Take(ref events, new CancellationToken(canceled: true)));
        Assert.Empty(events);
    }

    [Fact]
    public void PostsAfterCloseAreDropped()
    {
        var inbox = new PartitionInbox();
        inbox.Post(PartitionEvent.Tick);
        inbox.Close();

        Assert.False(inbox.Post(PartitionEvent.Tick));
        Assert.False(inbox.Post(PartitionEvent.Tick, wake: false));
    }

    private static Task<List<PartitionEvent>> StartTaking(PartitionInbox inbox, CancellationToken cancellationToken = default) =>
        Task.Factory.StartNew(
            () =>
            {
                var events = new List<PartitionEvent>();
                inbox.Take(ref events, cancellationToken);
                return events;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    private static async Task WaitUntilSleepingAsync(PartitionInbox inbox)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!inbox.IsSleeping)
        {
            await Task.Yield();
            timeout.Token.ThrowIfCancellationRequested();
        }
    }
}
