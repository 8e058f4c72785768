using Sequin.Messages;
using Sequin.Pipeline;

namespace Sequin.Runtime;

/// <summary>
/// The <see cref="IChangeHandler"/> of one source database: hands each change to every <see cref="SinkConsumer"/> of
/// that database, in WAL order, and wakes their partitions once per transaction (at its commit) rather than per change.
/// <see cref="HandleAsync"/> waits while a consumer's buffer is full (it never drops), so a slow sink pauses WAL reading
/// instead of losing messages; the other consumers keep delivering what they hold.
/// </summary>
internal sealed class ChangeDispatcher : IChangeHandler
{
    private readonly SinkConsumer[] _consumers;

    /// <summary>Creates a dispatcher over <paramref name="consumers"/> (all of one database).</summary>
    public ChangeDispatcher(IEnumerable<SinkConsumer> consumers)
    {
        ArgumentNullException.ThrowIfNull(consumers);
        _consumers = [.. consumers];
        if (_consumers.Any(c => c is null))
        {
            throw new ArgumentException("A consumer is null.", nameof(consumers));
        }
    }

    /// <summary>The consumers changes are handed to.</summary>
    public IReadOnlyList<SinkConsumer> Consumers => _consumers;

    /// <summary>Creates the dispatcher of one database from all configured consumers, keeping those whose <see cref="SinkConsumerSettings.Database"/> is <paramref name="database"/>.</summary>
    public static ChangeDispatcher ForDatabase(string database, IEnumerable<SinkConsumer> consumers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        ArgumentNullException.ThrowIfNull(consumers);
        return new ChangeDispatcher(consumers.Where(c => string.Equals(c.Settings.Database, database, StringComparison.Ordinal)));
    }

    /// <inheritdoc />
    public void BeginTransaction(TransactionInfo transaction) => ArgumentNullException.ThrowIfNull(transaction);

    /// <inheritdoc />
    public ValueTask HandleAsync(ChangeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        for (var i = 0; i < _consumers.Length; i++)
        {
            var pending = _consumers[i].EnqueueDeferredAsync(message, cancellationToken);
            if (!pending.IsCompletedSuccessfully)
            {
                return HandleSlowAsync(pending, message, i + 1, cancellationToken);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask WaitForRoomAsync(RelationInfo relation, ChangeAction action, int bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relation);
        for (var i = 0; i < _consumers.Length; i++)
        {
            await _consumers[i].WaitForRoomAsync(relation, action, bytes, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void CommitTransaction(TransactionInfo transaction, ulong endLsn)
    {
        ArgumentNullException.ThrowIfNull(transaction);

        // The transaction's changes were handed over without waking the partitions: one wake for all of them.
        for (var i = 0; i < _consumers.Length; i++)
        {
            _consumers[i].WakePartitions();
        }
    }

    private async ValueTask HandleSlowAsync(ValueTask pending, ChangeMessage message, int next, CancellationToken cancellationToken)
    {
        await pending.ConfigureAwait(false);
        for (var i = next; i < _consumers.Length; i++)
        {
            await _consumers[i].EnqueueDeferredAsync(message, cancellationToken).ConfigureAwait(false);
        }
    }
}
