using System.Collections.Concurrent;
using Sequin.Messages;
using Sequin.Runtime;

namespace Sequin.Core.Tests.Replication.Support;

/// <summary>
/// An <see cref="IChangeHandler"/> that records what the source hands it. With <see cref="WithholdCompletion"/> it
/// registers one pending delivery per change and keeps it open until <see cref="CompleteWithheld"/>.
/// </summary>
public sealed class RecordingChangeHandler : IChangeHandler
{
    private readonly List<ChangeMessage> _messages = [];
    private readonly List<string> _events = [];
    private readonly ConcurrentQueue<TransactionInfo> _withheld = new();
    private readonly object _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When true, each change keeps its transaction unconfirmable until <see cref="CompleteWithheld"/>.</summary>
    public bool WithholdCompletion { get; set; }

    /// <summary>When set, HandleAsync waits for it (backpressure).</summary>
    public Task? Gate { get; set; }

    public IReadOnlyList<ChangeMessage> Messages
    {
        get
        {
            lock (_lock)
            {
                return _messages.ToArray();
            }
        }
    }

    /// <summary>"begin:xid", "change:action:table", "commit:xid" in call order.</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_lock)
            {
                return _events.ToArray();
            }
        }
    }

    public void BeginTransaction(TransactionInfo transaction)
    {
        lock (_lock)
        {
            _events.Add($"begin:{transaction.Xid}");
        }
    }

    public async ValueTask HandleAsync(ChangeMessage message, CancellationToken cancellationToken)
    {
        if (Gate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }

        if (WithholdCompletion)
        {
            message.Transaction.AddPending();
            _withheld.Enqueue(message.Transaction);
        }

        lock (_lock)
        {
            _messages.Add(message);
            _events.Add($"change:{message.Action.ToWireName()}:{message.Relation.Table}");
            Signal();
        }
    }

    public void CommitTransaction(TransactionInfo transaction, ulong endLsn)
    {
        lock (_lock)
        {
            _events.Add($"commit:{transaction.Xid}");
            Signal();
        }
    }

    /// <summary>Completes every withheld delivery.</summary>
    public void CompleteWithheld()
    {
        while (_withheld.TryDequeue(out var transaction))
        {
            transaction.CompletePending();
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> changes were recorded, and returns them.</summary>
    public Task<IReadOnlyList<ChangeMessage>> WaitForCountAsync(int count, TimeSpan? timeout = null) =>
        WaitForAsync(m => m.Count >= count, timeout);

    /// <summary>Waits until <paramref name="condition"/> holds for the recorded changes.</summary>
    public async Task<IReadOnlyList<ChangeMessage>> WaitForAsync(Func<IReadOnlyList<ChangeMessage>, bool> condition, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                var snapshot = _messages.ToArray();
                if (condition(snapshot))
                {
                    return snapshot;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Condition not met; {Messages.Count} changes recorded: {string.Join(", ", Events)}");
            }
        }
    }

    private void Signal()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }
}
