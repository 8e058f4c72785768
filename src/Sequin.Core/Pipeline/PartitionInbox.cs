namespace Sequin.Pipeline;

/// <summary>
/// The events waiting for one <see cref="ConsumerPartition"/> loop: any thread posts, the loop's own thread takes them
/// all at once and sleeps on the inbox's monitor while it is empty. A post wakes the loop directly (one futex wake),
/// not through a thread-pool continuation as a channel's waiter does; and a deferred post does not wake it at all
/// until <see cref="Wake"/> or <see cref="WakeEvery"/> deferred events, so that a producer handing over a transaction
/// or a backfill page wakes the loop once for all of it rather than once per message.
/// </summary>
internal sealed class PartitionInbox
{
    /// <summary>Deferred events after which the loop is woken anyway, so it works on a long run while it is produced.</summary>
    public const int WakeEvery = 256;

    private readonly object _gate = new();
    private List<PartitionEvent> _incoming = [];
    private bool _sleeping;
    private bool _closed;

    /// <summary>Whether the loop sleeps in <see cref="Take"/> now; for tests.</summary>
    internal bool IsSleeping
    {
        get
        {
            lock (_gate)
            {
                return _sleeping;
            }
        }
    }

    /// <summary>
    /// Adds <paramref name="e"/>. With <paramref name="wake"/> false the sleeping loop is left asleep (up to
    /// <see cref="WakeEvery"/> events): the producer must call <see cref="Wake"/> when it is done.
    /// </summary>
    /// <returns>False once the loop has closed the inbox: the event is dropped.</returns>
    public bool Post(in PartitionEvent e, bool wake = true)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            _incoming.Add(e);
            if (_sleeping && (wake || _incoming.Count >= WakeEvery))
            {
                _sleeping = false;
                Monitor.Pulse(_gate);
            }

            return true;
        }
    }

    /// <summary>Wakes the loop if it sleeps while events wait (posted deferred).</summary>
    public void Wake()
    {
        lock (_gate)
        {
            if (_sleeping && _incoming.Count > 0)
            {
                _sleeping = false;
                Monitor.Pulse(_gate);
            }
        }
    }

    /// <summary>
    /// Called by the loop: waits until events are there, then swaps them with <paramref name="batch"/> (which must be
    /// empty, and is the inbox's next buffer), so the loop handles them outside the lock.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (see <see cref="Interrupt"/>).</exception>
    public void Take(ref List<PartitionEvent> batch, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // A cancelled loop stops even with events waiting (a forced stop), as a channel reader's wait does.
            cancellationToken.ThrowIfCancellationRequested();
            while (_incoming.Count == 0)
            {
                _sleeping = true;
                Monitor.Wait(_gate);
                cancellationToken.ThrowIfCancellationRequested();
            }

            _sleeping = false;
            (batch, _incoming) = (_incoming, batch);
        }
    }

    /// <summary>Wakes the loop even with nothing to take, so it sees its cancellation.</summary>
    public void Interrupt()
    {
        lock (_gate)
        {
            _sleeping = false;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Inserts <paramref name="events"/>, in order, before every event waiting now (the loop must not be taking yet).</summary>
    public void PostFirst(List<PartitionEvent> events)
    {
        lock (_gate)
        {
            _incoming.InsertRange(0, events);
        }
    }

    /// <summary>Called by the loop when it ends: later posts are dropped. Returns the events that were still waiting.</summary>
    public List<PartitionEvent> Close()
    {
        lock (_gate)
        {
            _closed = true;
            var dropped = _incoming;
            _incoming = [];
            return dropped;
        }
    }
}
