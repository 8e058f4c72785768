using Sequin.Messages;

namespace Sequin.Runtime;

/// <summary>
/// Receives what the replication source decodes, in WAL order. Implemented by the dispatcher that fans changes out to
/// the sink consumers. Awaiting <see cref="HandleAsync"/> is how backpressure reaches the WAL reader: it does not
/// return while the consumers' buffers are full.
/// </summary>
internal interface IChangeHandler
{
    /// <summary>A transaction began. Called before its first change.</summary>
    void BeginTransaction(TransactionInfo transaction);

    /// <summary>
    /// A change of the current transaction. The handler registers each delivery it owes with the transaction before
    /// returning. May wait while buffers are full.
    /// </summary>
    ValueTask HandleAsync(ChangeMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// The reader is about to read a value of a change of <paramref name="action"/> to <paramref name="relation"/> that
    /// brings the change to <paramref name="bytes"/> bytes, above <see cref="Replication.ValueReader.LargeValueBytes"/>:
    /// waits until the consumers taking such a change have room for it (a change larger than a consumer's budget waits
    /// until that consumer's buffer is empty), so that large rows are read into memory one at a time instead of while
    /// earlier ones are still held. The default does not wait.
    /// </summary>
    ValueTask WaitForRoomAsync(RelationInfo relation, ChangeAction action, int bytes, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>The current transaction committed; <paramref name="endLsn"/> is the LSN just past its commit record.</summary>
    void CommitTransaction(TransactionInfo transaction, ulong endLsn);

    /// <summary>
    /// A backfill watermark (a logical message with prefix <see cref="Backfills.BackfillWatermark.Prefix"/>) arrived at
    /// <paramref name="lsn"/>, in WAL order with the changes. May wait while buffers are full. The default ignores it.
    /// </summary>
    ValueTask HandleWatermarkAsync(string content, ulong lsn, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
