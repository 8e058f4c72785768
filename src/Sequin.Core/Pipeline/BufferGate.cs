namespace Sequin.Pipeline;

/// <summary>
/// Bounds what one consumer holds (messages and estimated bytes, from enqueue until delivered, filtered or
/// discarded). <see cref="WaitAsync"/> waits, in arrival order, while the buffer is full: that is the backpressure
/// that pauses WAL reading. Once full, waiters resume only after the buffer drained below 90 % of a limit, so that a
/// full buffer does not cost a thread hop per message. A single message larger than the byte limit is admitted when
/// the buffer is empty. <see cref="WaitForRoomAsync"/> waits the same way without taking the room: the WAL reader calls
/// it before it reads a large value, so that a row larger than the budget is read only once the buffer is empty.
/// </summary>
internal sealed class BufferGate
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly long _maxBytes;
    private readonly int _maxMessages;
    private readonly long _resumeBytes;
    private readonly int _resumeMessages;
    private long _bytes;
    private int _messages;
    private long _peakBytes;
    private int _peakMessages;
    private bool _closed;

    /// <summary>Creates a gate with the given limits.</summary>
    public BufferGate(long maxBytes, int maxMessages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        _maxBytes = maxBytes;
        _maxMessages = maxMessages;
        _resumeBytes = maxBytes - (maxBytes / 10);
        _resumeMessages = maxMessages - (maxMessages / 10);
    }

    /// <summary>Messages held now.</summary>
    public int Messages
    {
        get
        {
            lock (_lock)
            {
                return _messages;
            }
        }
    }

    /// <summary>Estimated bytes held now.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>The most messages held at once.</summary>
    public int PeakMessages
    {
        get
        {
            lock (_lock)
            {
                return _peakMessages;
            }
        }
    }

    /// <summary>The most estimated bytes held at once.</summary>
    public long PeakBytes
    {
        get
        {
            lock (_lock)
            {
                return _peakBytes;
            }
        }
    }

    /// <summary>Waits until a message of <paramref name="size"/> bytes fits, then accounts for it.</summary>
    /// <exception cref="OperationCanceledException">The token fired, or the gate was closed, before it fitted.</exception>
    public ValueTask WaitAsync(int size, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            if (_closed)
            {
                throw new OperationCanceledException("The sink consumer is stopping.");
            }

            if (_waiters.Count == 0 && Fits(size))
            {
                Reserve(size);
                return ValueTask.CompletedTask;
            }

            cancellationToken.ThrowIfCancellationRequested();
            waiter = new Waiter(size, reserves: true);
            waiter.Node = _waiters.AddLast(waiter);
        }

        return WaitSlowAsync(waiter, cancellationToken);
    }

    /// <summary>
    /// Waits, in arrival order with <see cref="WaitAsync"/>, until a message of <paramref name="size"/> bytes would fit
    /// (the buffer is empty when it is larger than the byte limit), without accounting for it: for the WAL reader, before
    /// it reads a large value into memory.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token fired, or the gate was closed, before there was room.</exception>
    public ValueTask WaitForRoomAsync(int size, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            if (_closed)
            {
                throw new OperationCanceledException("The sink consumer is stopping.");
            }

            if (_waiters.Count == 0 && Fits(size))
            {
                return ValueTask.CompletedTask;
            }

            cancellationToken.ThrowIfCancellationRequested();
            waiter = new Waiter(size, reserves: false);
            waiter.Node = _waiters.AddLast(waiter);
        }

        return WaitSlowAsync(waiter, cancellationToken);
    }

    /// <summary>Callers waiting for room now (<see cref="WaitAsync"/> and <see cref="WaitForRoomAsync"/>).</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>Accounts for a message without waiting, even over the limits: a message handed over from a consumer being replaced, whose room that consumer releases right after.</summary>
    public void Force(int size)
    {
        lock (_lock)
        {
            Reserve(size);
        }
    }

    /// <summary>Returns the room of a message that is done.</summary>
    public void Release(int size)
    {
        List<Waiter>? wake = null;
        lock (_lock)
        {
            _bytes -= size;
            _messages--;
            while (_waiters.First is { } first && CanResume(first.Value.Size))
            {
                _waiters.RemoveFirst();
                first.Value.Node = null;
                if (first.Value.Reserves)
                {
                    Reserve(first.Value.Size);
                }

                (wake ??= []).Add(first.Value);
            }
        }

        if (wake is not null)
        {
            foreach (var w in wake)
            {
                w.Completion.TrySetResult();
            }
        }
    }

    /// <summary>Fails every waiter and every later <see cref="WaitAsync"/>.</summary>
    public void Close()
    {
        List<Waiter> waiters;
        lock (_lock)
        {
            _closed = true;
            waiters = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var w in waiters)
        {
            w.Completion.TrySetCanceled();
        }
    }

    private async ValueTask WaitSlowAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.UnsafeRegister(
            static (state, token) =>
            {
                var (gate, w) = ((BufferGate, Waiter))state!;
                gate.Cancel(w, token);
            },
            (this, waiter));
        await waiter.Completion.Task.ConfigureAwait(false);
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_lock)
        {
            if (waiter.Node is null)
            {
                // Already admitted (or closed): the admission stands.
                return;
            }

            _waiters.Remove(waiter.Node);
            waiter.Node = null;
        }

        waiter.Completion.TrySetCanceled(token);
    }

    private bool Fits(int size) =>
        _messages == 0 || (_messages + 1 <= _maxMessages && _bytes + size <= _maxBytes);

    private bool CanResume(int size) =>
        _messages == 0 || (_messages < _resumeMessages && _bytes <= _resumeBytes && Fits(size));

    private void Reserve(int size)
    {
        _bytes += size;
        _messages++;
        _peakBytes = Math.Max(_peakBytes, _bytes);
        _peakMessages = Math.Max(_peakMessages, _messages);
    }

    private sealed class Waiter(int size, bool reserves)
    {
        public int Size { get; } = size;

        /// <summary>False for <see cref="WaitForRoomAsync"/>: admitted without taking the room.</summary>
        public bool Reserves { get; } = reserves;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }
}
