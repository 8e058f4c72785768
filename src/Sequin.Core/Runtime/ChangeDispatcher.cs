using Sequin.Messages;
using Sequin.Pipeline;

namespace Sequin.Runtime;

/// <summary>
/// The <see cref="IChangeHandler"/> of one source database: hands each change to every <see cref="SinkConsumer"/> of
/// that database, in WAL order, and wakes their partitions once per transaction (at its commit) rather than per change.
/// <see cref="HandleAsync"/> waits while a consumer's buffer is full (it never drops), so a slow sink pauses WAL reading
/// instead of losing messages; the other consumers keep delivering what they hold. The set of consumers can be replaced
/// while reading (<see cref="ReplaceConsumersAsync"/>, a live configuration change): the new set takes effect between two
/// transactions, so every consumer gets each transaction whole or not at all.
/// </summary>
internal sealed class ChangeDispatcher : IChangeHandler
{
    private readonly Lock _swapLock = new();
    private SinkConsumer[] _consumers;
    private bool _inTransaction;
    private SinkConsumer[]? _next;
    private TaskCompletionSource? _swapped;

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
    public IReadOnlyList<SinkConsumer> Consumers => Volatile.Read(ref _consumers);

    /// <summary>
    /// Replaces the consumers: at once when no transaction is being handed over, else right after its commit. Completes
    /// when the new set is in effect: from then on the consumers left out receive nothing more, and those added receive
    /// every later transaction whole. One replacement at a time (the caller serialises them).
    /// </summary>
    public Task ReplaceConsumersAsync(IEnumerable<SinkConsumer> consumers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consumers);
        SinkConsumer[] next = [.. consumers];
        lock (_swapLock)
        {
            if (_swapped is not null)
            {
                throw new InvalidOperationException("A replacement of the consumers is already waiting for the end of a transaction.");
            }

            if (!_inTransaction)
            {
                Volatile.Write(ref _consumers, next);
                return Task.CompletedTask;
            }

            _next = next;
            _swapped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _swapped.Task.WaitAsync(cancellationToken);
        }
    }

    // Under _swapLock, outside a transaction.
    private void ApplyPendingSwap()
    {
        if (_swapped is { } swapped)
        {
            Volatile.Write(ref _consumers, _next!);
            _next = null;
            _swapped = null;
            swapped.TrySetResult();
        }
    }

    /// <summary>Creates the dispatcher of one database from all configured consumers, keeping those whose <see cref="SinkConsumerSettings.Database"/> is <paramref name="database"/>.</summary>
    public static ChangeDispatcher ForDatabase(string database, IEnumerable<SinkConsumer> consumers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        ArgumentNullException.ThrowIfNull(consumers);
        return new ChangeDispatcher(consumers.Where(c => string.Equals(c.Settings.Database, database, StringComparison.Ordinal)));
    }

    /// <inheritdoc />
    public void BeginTransaction(TransactionInfo transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        lock (_swapLock)
        {
            ApplyPendingSwap();
            _inTransaction = true;
        }
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(ChangeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var consumers = _consumers;
        for (var i = 0; i < consumers.Length; i++)
        {
            var pending = consumers[i].EnqueueDeferredAsync(message, cancellationToken);
            if (!pending.IsCompletedSuccessfully)
            {
                return HandleSlowAsync(consumers, pending, message, i + 1, cancellationToken);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask WaitForRoomAsync(RelationInfo relation, ChangeAction action, int bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relation);
        var consumers = _consumers;
        for (var i = 0; i < consumers.Length; i++)
        {
            await consumers[i].WaitForRoomAsync(relation, action, bytes, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void CommitTransaction(TransactionInfo transaction, ulong endLsn)
    {
        ArgumentNullException.ThrowIfNull(transaction);

        // The transaction's changes were handed over without waking the partitions: one wake for all of them.
        var consumers = _consumers;
        for (var i = 0; i < consumers.Length; i++)
        {
            consumers[i].WakePartitions();
        }

        lock (_swapLock)
        {
            _inTransaction = false;
            ApplyPendingSwap();
        }
    }

    private static async ValueTask HandleSlowAsync(SinkConsumer[] consumers, ValueTask pending, ChangeMessage message, int next, CancellationToken cancellationToken)
    {
        await pending.ConfigureAwait(false);
        for (var i = next; i < consumers.Length; i++)
        {
            await consumers[i].EnqueueDeferredAsync(message, cancellationToken).ConfigureAwait(false);
        }
    }
}
