namespace Sequin.Messages;

/// <summary>
/// One row change read from the WAL, immutable and safe to share between sinks and threads. Its default JSON is
/// <c>{record, changes, action, metadata}</c>, written by <see cref="ChangeMessageJsonWriter"/>.
/// </summary>
public sealed class ChangeMessage
{
    private string? _idempotencyKey;

    /// <summary>Creates a change message.</summary>
    /// <param name="action">The change kind.</param>
    /// <param name="record">
    /// The new row for insert, update and read; the old row for delete (key columns only unless REPLICA IDENTITY FULL);
    /// an image of NULLs for truncate (written as <c>{}</c>).
    /// </param>
    /// <param name="oldRecord">For updates, the old row when PostgreSQL sent one (REPLICA IDENTITY FULL, or a changed key).</param>
    /// <param name="transaction">The transaction the change was committed in.</param>
    /// <param name="commitIdx">The position of the change inside its transaction, from 0.</param>
    /// <param name="source">The source database.</param>
    /// <param name="transactionAnnotationsJson">The transaction annotations set in this transaction, as JSON text, or null.</param>
    public ChangeMessage(
        ChangeAction action,
        RowImage record,
        RowImage? oldRecord,
        TransactionInfo transaction,
        int commitIdx,
        SourceDatabaseInfo source,
        string? transactionAnnotationsJson = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(source);
        Action = action;
        Record = record;
        OldRecord = oldRecord;
        Transaction = transaction;
        CommitIdx = commitIdx;
        Source = source;
        TransactionAnnotationsJson = transactionAnnotationsJson;
        EstimatedSize = 160 + record.EstimateSize() + (oldRecord?.EstimateSize() ?? 0) + (transactionAnnotationsJson?.Length * 2 ?? 0);
    }

    /// <summary>Creates a message with its own idempotency key: a backfill's <c>read</c> message (see <c>Backfills.ReadMessages</c>).</summary>
    internal ChangeMessage(ChangeAction action, RowImage record, TransactionInfo transaction, int commitIdx, SourceDatabaseInfo source, string idempotencyKey)
        : this(action, record, null, transaction, commitIdx, source)
    {
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        _idempotencyKey = idempotencyKey;
    }

    /// <summary>The change kind.</summary>
    public ChangeAction Action { get; }

    /// <summary>The table the change is for.</summary>
    public RelationInfo Relation => Record.Relation;

    /// <summary>The row reported as <c>record</c>.</summary>
    public RowImage Record { get; }

    /// <summary>The old row of an update, when PostgreSQL sent one; the source of <c>changes</c>.</summary>
    public RowImage? OldRecord { get; }

    /// <summary>The transaction the change was committed in.</summary>
    public TransactionInfo Transaction { get; }

    /// <summary><c>metadata.commit_lsn</c>.</summary>
    public ulong CommitLsn => Transaction.CommitLsn;

    /// <summary><c>metadata.commit_idx</c>: the position of the change inside its transaction.</summary>
    public int CommitIdx { get; }

    /// <summary><c>metadata.commit_timestamp</c>.</summary>
    public DateTimeOffset CommitTimestamp => Transaction.CommitTimestamp;

    /// <summary>The source database.</summary>
    public SourceDatabaseInfo Source { get; }

    /// <summary><c>metadata.transaction_annotations</c> as JSON text, or null.</summary>
    public string? TransactionAnnotationsJson { get; }

    /// <summary>
    /// <c>metadata.idempotency_key</c>: base64 of <c>"&lt;commit_lsn&gt;:&lt;commit_idx&gt;"</c>; for a backfill's
    /// <c>read</c> message, base64 of <c>"&lt;backfill_id&gt;:&lt;pk1&gt;:&lt;pk2&gt;…"</c>.
    /// </summary>
    public string IdempotencyKey => _idempotencyKey ??= Messages.IdempotencyKey.For(CommitLsn, CommitIdx);

    /// <summary>An approximate in-memory size in bytes, used to bound buffers.</summary>
    public int EstimatedSize { get; }

    /// <summary>
    /// <c>metadata.record_pks</c>: the text of each key column of <see cref="Record"/>, in column order. Empty for
    /// a table without a replica identity and for truncate.
    /// </summary>
    public IReadOnlyList<string> GetRecordPks()
    {
        var keys = Relation.KeyColumnIndexes;
        if (keys.Count == 0)
        {
            return [];
        }

        var pks = new string[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            pks[i] = Record[keys[i]].Text ?? string.Empty;
        }

        return pks;
    }
}
