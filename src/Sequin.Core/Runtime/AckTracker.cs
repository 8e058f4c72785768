using System.Collections.Concurrent;
using Sequin.Messages;

namespace Sequin.Runtime;

/// <summary>
/// Computes the WAL position that is safe to confirm to PostgreSQL: the end LSN of the latest transaction such that
/// it and every earlier transaction are committed and fully delivered (or filtered, or discarded) by every consumer.
/// It never moves backwards and never passes an undelivered change.
/// </summary>
internal sealed class AckTracker
{
    private readonly ConcurrentQueue<TransactionInfo> _open = new();
    private readonly Lock _advanceLock = new();
    private ulong _confirmed;

    /// <summary>Creates a tracker starting at <paramref name="startLsn"/> (the slot's confirmed position).</summary>
    public AckTracker(ulong startLsn = 0) => _confirmed = startLsn;

    /// <summary>The number of transactions begun and not yet confirmable.</summary>
    public int OpenTransactions => _open.Count;

    /// <summary>The commit time of the oldest transaction not yet fully delivered, or null when there is none.</summary>
    public DateTimeOffset? OldestOpenCommitTimestamp
    {
        get
        {
            foreach (var transaction in _open)
            {
                if (!transaction.IsComplete)
                {
                    return transaction.CommitTimestamp;
                }
            }

            return null;
        }
    }

    /// <summary>Registers a transaction, in WAL order, when its Begin message arrives.</summary>
    public void Begin(TransactionInfo transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        _open.Enqueue(transaction);
    }

    /// <summary>
    /// Returns the position safe to confirm now, advancing past every completed transaction at the head. Safe to call
    /// from any thread.
    /// </summary>
    public ulong GetConfirmableLsn()
    {
        lock (_advanceLock)
        {
            while (_open.TryPeek(out var head) && head.IsComplete)
            {
                _open.TryDequeue(out _);
                if (head.EndLsn > _confirmed)
                {
                    _confirmed = head.EndLsn;
                }
            }

            return _confirmed;
        }
    }
}
