using Sequin.Core.Tests.Support;
using Sequin.Runtime;

namespace Sequin.Core.Tests.Runtime;

/// <summary>
/// The end of the WAL the server sent (keepalives' WalEnd) is confirmed only when nothing received is undelivered:
/// idle databases and fast server shutdowns need it, and it must never pass an open transaction.
/// </summary>
public sealed class AckTrackerServerWalEndTests
{
    [Fact]
    public void TheServerWalEndIsConfirmedWhenNoTransactionIsOpen()
    {
        var tracker = new AckTracker(0x1000);

        Assert.Equal(0x5000UL, tracker.GetConfirmableLsn(0x5000));
        Assert.Equal(0x5000UL, tracker.GetConfirmableLsn());
    }

    [Fact]
    public void TheServerWalEndIsNotConfirmedPastAnUncommittedTransaction()
    {
        var tracker = new AckTracker(0x1000);
        var open = Some.Transaction(0x2000);
        tracker.Begin(open);

        Assert.Equal(0x1000UL, tracker.GetConfirmableLsn(0x5000));
    }

    [Fact]
    public void TheServerWalEndIsNotConfirmedPastACommittedButUndeliveredTransaction()
    {
        var tracker = new AckTracker(0x1000);
        var delivered = Some.Transaction(0x2000);
        var undelivered = Some.Transaction(0x3000);
        tracker.Begin(delivered);
        tracker.Begin(undelivered);
        delivered.Commit(0x2008);
        undelivered.AddPending();
        undelivered.Commit(0x3008);

        Assert.Equal(0x2008UL, tracker.GetConfirmableLsn(0x5000));

        undelivered.CompletePending();
        Assert.Equal(0x5000UL, tracker.GetConfirmableLsn(0x5000));
    }

    [Fact]
    public void AnOlderServerWalEndNeverMovesTheConfirmedPositionBack()
    {
        var tracker = new AckTracker(0x1000);
        var transaction = Some.Transaction(0x2000);
        tracker.Begin(transaction);
        transaction.Commit(0x3008);

        Assert.Equal(0x3008UL, tracker.GetConfirmableLsn(0x2000));
        Assert.Equal(0x3008UL, tracker.GetConfirmableLsn(0));
    }
}
