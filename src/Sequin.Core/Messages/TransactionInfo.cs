namespace Sequin.Messages;

/// <summary>
/// The committed transaction a change belongs to. Shared by all of the transaction's messages; it also counts the
/// deliveries still owed for it, so that the acknowledged WAL position never passes an undelivered change.
/// </summary>
public sealed class TransactionInfo
{
    // Starts at 1: the transaction's own Commit message has not been seen yet.
    private int _pending = 1;

    /// <summary>Creates the description of a transaction from its Begin message.</summary>
    /// <param name="commitLsn">The LSN of the commit record (Begin's final LSN): <c>commit_lsn</c> in messages.</param>
    /// <param name="commitTimestamp">The commit time.</param>
    /// <param name="xid">The transaction id.</param>
    public TransactionInfo(ulong commitLsn, DateTimeOffset commitTimestamp, uint xid)
    {
        CommitLsn = commitLsn;
        CommitTimestamp = commitTimestamp;
        Xid = xid;
    }

    /// <summary>The LSN of the commit record: <c>metadata.commit_lsn</c>.</summary>
    public ulong CommitLsn { get; }

    /// <summary>The commit time: <c>metadata.commit_timestamp</c>.</summary>
    public DateTimeOffset CommitTimestamp { get; }

    /// <summary>The transaction id.</summary>
    public uint Xid { get; }

    /// <summary>
    /// The LSN just past the commit record, known once the Commit message arrives (0 before). Confirming it to
    /// PostgreSQL means the whole transaction is done.
    /// </summary>
    public ulong EndLsn { get; private set; }

    /// <summary>Whether the Commit message arrived and every delivery owed for the transaction is done.</summary>
    public bool IsComplete => Volatile.Read(ref _pending) == 0;

    /// <summary>
    /// Called once, on the thread that settles the last owed delivery, when the transaction becomes complete. Backfill
    /// pages use it to learn that all their <c>read</c> messages are delivered.
    /// </summary>
    internal Action? Completed { get; init; }

    /// <summary>Records that one more delivery (one message to one sink) is owed for this transaction.</summary>
    internal void AddPending() => Interlocked.Increment(ref _pending);

    /// <summary>Records that a delivery owed for this transaction is done (delivered, filtered or discarded).</summary>
    internal void CompletePending()
    {
        var left = Interlocked.Decrement(ref _pending);
        if (left < 0)
        {
            throw new InvalidOperationException($"Transaction {Xid} completed more deliveries than it owed.");
        }

        if (left == 0)
        {
            Completed?.Invoke();
        }
    }

    /// <summary>Marks the transaction's Commit message as seen.</summary>
    internal void Commit(ulong endLsn)
    {
        EndLsn = endLsn;
        CompletePending();
    }
}
