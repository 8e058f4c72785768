namespace Sequin.Pipeline;

/// <summary>
/// The messages of one group in arrival order. Most groups (one per row key) only ever hold one message at a time, so
/// the first is kept in a field and a <see cref="Queue{T}"/> is made only for a second: one allocation less per change.
/// </summary>
internal sealed class PendingQueue
{
    private PendingMessage? _head;
    private Queue<PendingMessage>? _rest;

    /// <summary>The number of messages.</summary>
    public int Count => (_head is null ? 0 : 1) + (_rest?.Count ?? 0);

    /// <summary>Adds <paramref name="message"/> at the end.</summary>
    public void Enqueue(PendingMessage message)
    {
        if (_head is null)
        {
            _head = message;
        }
        else
        {
            (_rest ??= new Queue<PendingMessage>()).Enqueue(message);
        }
    }

    /// <summary>The first message, if any, without taking it.</summary>
    public bool TryPeek([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PendingMessage? message)
    {
        message = _head;
        return message is not null;
    }

    /// <summary>The first message.</summary>
    /// <exception cref="InvalidOperationException">The queue is empty.</exception>
    public PendingMessage Peek() => _head ?? throw new InvalidOperationException("The group has no message.");

    /// <summary>The messages, first to last, as a new array.</summary>
    public PendingMessage[] ToArray()
    {
        if (_head is null)
        {
            return [];
        }

        var all = new PendingMessage[Count];
        all[0] = _head;
        _rest?.CopyTo(all, 1);
        return all;
    }

    /// <summary>Takes the first message.</summary>
    /// <exception cref="InvalidOperationException">The queue is empty.</exception>
    public PendingMessage Dequeue()
    {
        var head = _head ?? throw new InvalidOperationException("The group has no message.");
        _head = _rest is { Count: > 0 } rest ? rest.Dequeue() : null;
        return head;
    }
}
