using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using Sequin.Messages;
using Sequin.Runtime;

namespace Sequin.Replication;

/// <summary>
/// Turns the pgoutput messages of one replication connection into <see cref="ChangeMessage"/>s for an
/// <see cref="IChangeHandler"/>: it follows the transaction being read (begun with the <see cref="AckTracker"/>, and
/// committed at its end position), numbers its changes and logical messages, applies transaction annotations, and
/// leaves out heartbeats and changes to Sequin's own schema.
/// </summary>
internal sealed class PgOutputDecoder : IDisposable
{
    private readonly IChangeHandler _handler;
    private readonly AckTracker _tracker;
    private readonly SourceDatabaseInfo _source;
    private readonly string _slotName;
    private readonly ILogger _logger;
    private readonly RelationCatalog _relations;
    private readonly TransactionAnnotations _annotations;
    private readonly ValueReader _values;
    private readonly Diagnostics.ReplicationStatus? _status;
    private TransactionInfo? _transaction;
    private int _commitIdx;

    /// <summary>Creates the decoder of one replication connection.</summary>
    public PgOutputDecoder(IChangeHandler handler, AckTracker tracker, SourceDatabaseInfo source, string slotName, ILogger logger, Diagnostics.ReplicationStatus? status = null)
    {
        _handler = handler;
        _values = new ValueReader(handler);
        _tracker = tracker;
        _source = source;
        _slotName = slotName;
        _logger = logger;
        _relations = new RelationCatalog(logger);
        _annotations = new TransactionAnnotations(logger);
        _status = status;
    }

    /// <summary>
    /// Handles one message in WAL order; a change waits for <see cref="IChangeHandler.HandleAsync"/>, which pauses reading.
    /// Catalog lookups for Relation messages run on <paramref name="metadata"/>, a normal connection.
    /// </summary>
    public async ValueTask HandleAsync(PgOutputReplicationMessage message, NpgsqlConnection metadata, CancellationToken cancellationToken)
    {
        switch (message)
        {
            case BeginMessage begin:
                _transaction = new TransactionInfo(
                    (ulong)begin.TransactionFinalLsn,
                    new DateTimeOffset(DateTime.SpecifyKind(begin.TransactionCommitTimestamp, DateTimeKind.Utc)),
                    begin.TransactionXid);
                _commitIdx = 0;
                _annotations.Reset();
                _tracker.Begin(_transaction);
                _handler.BeginTransaction(_transaction);
                return;

            case CommitMessage commit:
            {
                var transaction = RequireTransaction();
                var endLsn = (ulong)commit.TransactionEndLsn;
                _transaction = null;
                _handler.CommitTransaction(transaction, endLsn);
                transaction.Commit(endLsn);
                return;
            }

            case RelationMessage relation:
                await _relations.AddAsync(relation, metadata, cancellationToken).ConfigureAwait(false);
                return;

            case InsertMessage insert:
                await EmitAsync(ChangeAction.Insert, insert.Relation.RelationId, insert.NewRow, null, cancellationToken).ConfigureAwait(false);
                return;

            case FullUpdateMessage full:
                await EmitAsync(ChangeAction.Update, full.Relation.RelationId, full.NewRow, full.OldRow, cancellationToken).ConfigureAwait(false);
                return;

            case IndexUpdateMessage keyChanged:
            {
                // The old key only: the other columns were not sent, so they must not show up in `changes`.
                var relation = _relations.Get(keyChanged.Relation.RelationId);
                _values.BeginChange(ChangeAction.Update);
                var old = await _values.ReadRowAsync(relation, keyChanged.Key, ColumnValue.UnchangedToast, cancellationToken).ConfigureAwait(false);
                var row = await _values.ReadRowAsync(relation, keyChanged.NewRow, ColumnValue.Null, cancellationToken).ConfigureAwait(false);
                await EmitAsync(ChangeAction.Update, row, old, cancellationToken).ConfigureAwait(false);
                return;
            }

            case DefaultUpdateMessage update:
                await EmitAsync(ChangeAction.Update, update.Relation.RelationId, update.NewRow, null, cancellationToken).ConfigureAwait(false);
                return;

            case KeyDeleteMessage keyDelete:
                await EmitAsync(ChangeAction.Delete, keyDelete.Relation.RelationId, keyDelete.Key, null, cancellationToken).ConfigureAwait(false);
                return;

            case FullDeleteMessage fullDelete:
                await EmitAsync(ChangeAction.Delete, fullDelete.Relation.RelationId, fullDelete.OldRow, null, cancellationToken).ConfigureAwait(false);
                return;

            case TruncateMessage truncate:
                foreach (var truncated in truncate.Relations)
                {
                    var relation = _relations.Get(truncated.RelationId);
                    var nulls = new RowImage(relation, new ColumnValue[relation.Columns.Count]);
                    await EmitAsync(ChangeAction.Truncate, nulls, null, cancellationToken).ConfigureAwait(false);
                }

                return;

            case LogicalDecodingMessage logical:
                await OnLogicalMessageAsync(logical, cancellationToken).ConfigureAwait(false);
                return;

            default:
                // Type (resolved at the Relation message instead) and Origin messages carry nothing we deliver.
                return;
        }
    }

    /// <summary>
    /// The connection dropped inside a transaction: it will be sent again from the slot. Marks the partial copy
    /// committed at position 0 so that it never blocks (nor advances) the tracker.
    /// </summary>
    public void AbandonOpenTransaction()
    {
        _transaction?.Commit(0);
        _transaction = null;
    }

    /// <summary>Returns the value buffer to the pool.</summary>
    public void Dispose() => _values.Dispose();

    private async ValueTask OnLogicalMessageAsync(LogicalDecodingMessage message, CancellationToken cancellationToken)
    {
        var transactional = (message.Flags & 1) != 0;
        if (transactional && _transaction is not null)
        {
            _commitIdx++; // logical messages take a position inside the transaction, like changes
        }

        if (string.Equals(message.Prefix, HeartbeatEmitter.Prefix, StringComparison.Ordinal))
        {
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                ReplicationLog.HeartbeatReceived(_logger, _slotName, message.MessageLsn);
            }

            return;
        }

        if (string.Equals(message.Prefix, Backfills.BackfillWatermark.Prefix, StringComparison.Ordinal))
        {
            var content = await _values.ReadToEndAsync(message.Data, cancellationToken).ConfigureAwait(false);
            await _handler.HandleWatermarkAsync(content, (ulong)message.MessageLsn, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (transactional && _transaction is not null)
        {
            await _annotations.ApplyAsync(message, _transaction.Xid, _values, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the new row (and the old one, when sent) of a change with NULLs as NULL, then emits it.</summary>
    private async ValueTask EmitAsync(ChangeAction action, uint relationId, ReplicationTuple row, ReplicationTuple? old, CancellationToken cancellationToken)
    {
        var relation = _relations.Get(relationId);
        _values.BeginChange(action);
        var oldImage = old is null ? null : await _values.ReadRowAsync(relation, old, ColumnValue.Null, cancellationToken).ConfigureAwait(false);
        var image = await _values.ReadRowAsync(relation, row, ColumnValue.Null, cancellationToken).ConfigureAwait(false);
        await EmitAsync(action, image, oldImage, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask EmitAsync(ChangeAction action, RowImage record, RowImage? old, CancellationToken cancellationToken)
    {
        var transaction = RequireTransaction();
        if (string.Equals(record.Relation.Schema, SlotMarker.Schema, StringComparison.Ordinal))
        {
            return ValueTask.CompletedTask; // Sequin's own state, never delivered
        }

        var message = new ChangeMessage(action, record, old, transaction, _commitIdx++, _source, _annotations.Current);
        _status?.OnChangeRead();
        return _handler.HandleAsync(message, cancellationToken);
    }

    private TransactionInfo RequireTransaction() =>
        _transaction ?? throw new InvalidOperationException("A change arrived outside a transaction (no Begin message).");
}
