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
    public ulong GetConfirmableLsn() => GetConfirmableLsn(0);

    /// <summary>
    /// Returns the position safe to confirm now, like <see cref="GetConfirmableLsn()"/>, and when no transaction is open
    /// any more (every one begun is committed and fully delivered) also moves it up to <paramref name="serverWalEnd"/>:
    /// the end of the WAL the server has sent on the replication connection (the <c>WalEnd</c> of its keepalives and
    /// data messages). Safe to call from any thread.
    /// </summary>
    /// <remarks>
    /// <para>
    /// PostgreSQL decodes WAL that sends nothing (transactions pgoutput skips: tables outside the publication, Sequin's
    /// own state, other databases, checkpoints) and reports how far it read in keepalives. Confirming only the ends of
    /// delivered transactions would leave the slot behind that position forever on such a database, retaining WAL for
    /// nothing, and a fast shutdown of the server waits until its logical walsenders are confirmed everything they sent.
    /// </para>
    /// <para>
    /// The caller reads <paramref name="serverWalEnd"/> (Npgsql's <c>LastReceivedLsn</c>) <b>before</b> this call. A
    /// transaction's messages move that position only after its Begin was handed to <see cref="Begin"/> (the Begin
    /// itself carries a position before its commit record, which PostgreSQL sends again after a restart), so a position
    /// read before the tracker is found empty never covers a commit that is not delivered yet.
    /// </para>
    /// </remarks>
    public ulong GetConfirmableLsn(ulong serverWalEnd)
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

            if (serverWalEnd > _confirmed && _open.IsEmpty)
            {
                _confirmed = serverWalEnd;
            }

            return _confirmed;
        }
    }
}
