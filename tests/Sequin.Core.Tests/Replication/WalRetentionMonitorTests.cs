using Sequin.Messages;
using Sequin.Replication;
using Sequin.Runtime;

namespace Sequin.Core.Tests.Replication;

public sealed class WalRetentionMonitorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void LagOverItsThresholdWarnsOnceThenEveryFiveMinutesAndSaysWhenItIsBackUnder()
    {
        var monitor = new WalRetentionMonitor(lagThresholdBytes: 1000, ageThreshold: TimeSpan.Zero);

        Assert.Equal(WalRetentionState.Normal, monitor.Check(T0, 999, null));
        Assert.Equal(WalRetentionState.Warn, monitor.Check(T0.AddSeconds(1), 1000, null));
        Assert.Equal(WalRetentionState.Normal, monitor.Check(T0.AddMinutes(4), 5000, null));
        Assert.Equal(WalRetentionState.Warn, monitor.Check(T0.AddMinutes(5).AddSeconds(1), 5000, null));
        Assert.Equal(WalRetentionState.Recovered, monitor.Check(T0.AddMinutes(6), 10, null));
        Assert.Equal(WalRetentionState.Normal, monitor.Check(T0.AddMinutes(7), 10, null));
    }

    [Fact]
    public void AnOldUndeliveredChangeWarnsEvenWithLittleLag()
    {
        var monitor = new WalRetentionMonitor(lagThresholdBytes: 1L << 30, ageThreshold: TimeSpan.FromMinutes(10));

        Assert.Equal(WalRetentionState.Normal, monitor.Check(T0.AddMinutes(9), 100, T0));
        Assert.Equal(WalRetentionState.Warn, monitor.Check(T0.AddMinutes(10), 100, T0));
        Assert.Equal(TimeSpan.FromMinutes(10), WalRetentionMonitor.AgeOf(T0.AddMinutes(10), T0));
        Assert.Equal(WalRetentionState.Recovered, monitor.Check(T0.AddMinutes(11), 100, null));
    }

    [Fact]
    public void ZeroThresholdsTurnTheChecksOff()
    {
        var monitor = new WalRetentionMonitor(0, TimeSpan.Zero);
        Assert.Equal(WalRetentionState.Normal, monitor.Check(T0.AddDays(1), long.MaxValue, T0));
    }

    [Fact]
    public void TheTrackerReportsTheCommitTimeOfTheOldestTransactionNotYetDelivered()
    {
        var tracker = new AckTracker();
        Assert.Null(tracker.OldestOpenCommitTimestamp);

        var first = new TransactionInfo(100, T0, 1);
        var second = new TransactionInfo(200, T0.AddSeconds(5), 2);
        first.AddPending();
        second.AddPending();
        tracker.Begin(first);
        tracker.Begin(second);
        first.Commit(150);
        second.Commit(250);
        Assert.Equal(T0, tracker.OldestOpenCommitTimestamp);

        first.CompletePending();
        Assert.Equal(T0.AddSeconds(5), tracker.OldestOpenCommitTimestamp);
        second.CompletePending();
        Assert.Null(tracker.OldestOpenCommitTimestamp);
        Assert.Equal(250UL, tracker.GetConfirmableLsn());
    }
}
