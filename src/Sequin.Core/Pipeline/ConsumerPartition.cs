using System.Runtime.InteropServices;
using Sequin.Diagnostics;
using Sequin.Functions.Engines;
using Sequin.Routing;
using Sequin.Sinks;

namespace Sequin.Pipeline;

/// <summary>
/// One worker partition of a <see cref="SinkConsumer"/>. A single loop owns all of its state (groups, open batches,
/// retry timers), so nothing here is locked: new messages, finished batches and timer ticks arrive as events.
/// Per group, messages go out in commit order with at most one in a batch at a time; other groups flow past a
/// group that waits for a retry.
/// </summary>
internal sealed partial class ConsumerPartition
{
    private readonly SinkConsumer _owner;
    private readonly IMessageProcessor _processor;
    private readonly PartitionInbox _inbox = new();

    private readonly Dictionary<GroupKey, MessageGroup> _groups = [];
    private readonly Queue<MessageGroup> _ready = new();
    private readonly PriorityQueue<MessageGroup, DateTimeOffset> _waiting = new();
    private readonly Dictionary<string, DeliveryBatch> _open = new(StringComparer.Ordinal);
    private readonly HashSet<DeliveryBatch> _sent = [];
    private List<PartitionEvent>? _dropped;
    private readonly ITimer _timer;
    private DateTimeOffset _timerDue = DateTimeOffset.MaxValue;
    private int _inFlight;
    private bool _stopping;

    public ConsumerPartition(SinkConsumer owner, int index, IMessageProcessor processor)
    {
        _owner = owner;
        Index = index;
        _processor = processor;
        _timer = owner.Time.CreateTimer(
            static state => ((ConsumerPartition)state!).Post(PartitionEvent.Tick),
            this,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
    }

    public int Index { get; }

    /// <summary>
    /// Queues an event for the loop, and wakes it unless <paramref name="wake"/> is false (a producer handing over a run
    /// of messages, which calls <see cref="Wake"/> at the end of the run). Ignored once the loop has ended.
    /// </summary>
    public void Post(PartitionEvent e, bool wake = true) => _inbox.Post(e, wake);

    /// <summary>Wakes the loop for the events posted without a wake.</summary>
    public void Wake() => _inbox.Wake();

    /// <summary>
    /// Runs the loop until a requested stop has drained the in-flight batches, or the token fires. The loop runs on a
    /// thread of its own with a large stack (<see cref="LargeStackThread"/>), so that the sink's JavaScript functions run
    /// on it directly instead of being handed to a thread of their own for every message.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        LargeStackThread.Run(() => Run(cancellationToken), $"sequin-{_owner.Name}-partition-{Index}");

    private void Run(CancellationToken cancellationToken)
    {
        _cancellation = cancellationToken;
        var events = new List<PartitionEvent>();
        using var interrupt = cancellationToken.Register(static inbox => ((PartitionInbox)inbox!).Interrupt(), _inbox);
        try
        {
            while (true)
            {
                // Blocks the partition's own thread until there are events; takes all of them.
                _inbox.Take(ref events, cancellationToken);
                foreach (ref readonly var e in CollectionsMarshal.AsSpan(events))
                {
                    Handle(e);
                }

                events.Clear();
                Pump();
                if (_stopping && _inFlight == 0 && _open.Count == 0)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Forced stop: whatever is not delivered stays un-acked.
        }
        finally
        {
            _dropped = _inbox.Close();
            _timer.Dispose();
        }
    }

    /// <summary>
    /// After the loop has ended: the messages it still holds (taken and not delivered, filtered, discarded or parked),
    /// per group in commit order, those still in the inbox last. Messages read back from the parking store are left out
    /// (they were settled when parked). Call only once <see cref="RunAsync"/> has completed.
    /// </summary>
    internal void CollectHeld(List<PendingMessage> held)
    {
        var groups = new List<MessageGroup>();
        var seen = new HashSet<MessageGroup>(ReferenceEqualityComparer.Instance);
        void Add(MessageGroup? group)
        {
            if (group is not null && seen.Add(group))
            {
                groups.Add(group);
            }
        }

        foreach (var group in _groups.Values)
        {
            Add(group);
        }

        foreach (var group in _ready)
        {
            Add(group);
        }

        foreach (var (group, _) in _waiting.UnorderedItems)
        {
            Add(group);
        }

        foreach (var batch in _open.Values.Concat(_sent))
        {
            foreach (var entry in batch.Entries)
            {
                Add(entry.Group);
            }
        }

        foreach (var group in groups)
        {
            held.AddRange(group.Messages.ToArray().Where(e => e.ParkedId is null));
        }

        foreach (var e in _dropped ?? _inbox.Close())
        {
            if (e.Message is { } entry)
            {
                held.Add(entry);
            }
        }
    }

    /// <summary>Puts <paramref name="entries"/> before every event queued so far (the loop must not have started): messages handed over from a consumer this one replaces.</summary>
    internal void PostFirst(IReadOnlyList<PendingMessage> entries) =>
        _inbox.PostFirst(entries.Select(e => new PartitionEvent(e, null, Stop: false)).ToList());

    private void Handle(in PartitionEvent e)
    {
        if (e.Message is { } message)
        {
            Add(message);
        }
        else if (e.Completed is { } batch)
        {
            OnBatchCompleted(batch);
        }
        else if (e.Stop)
        {
            _stopping = true;
        }
        else if (e.Run is { } run)
        {
            run();
        }
        else
        {
            // The timer fired; it must be armed again for whatever is due next.
            _timerDue = DateTimeOffset.MaxValue;
        }
    }

    private void Add(PendingMessage entry)
    {
        MessageGroup group;
        if (entry.Key is { } key)
        {
            if (!_groups.TryGetValue(key, out var existing))
            {
                existing = new MessageGroup(key);
                _groups.Add(key, existing);
            }

            group = existing;
        }
        else
        {
            group = new MessageGroup(null);
        }

        entry.Group = group;
        group.Messages.Enqueue(entry);
        if (group.Parked is not null)
        {
            // A later message of a parked group is parked behind it, never delivered ahead.
            FlushParking(group);
            return;
        }

        if (group.State == MessageGroupState.Idle)
        {
            group.State = MessageGroupState.Ready;
            _ready.Enqueue(group);
        }
    }

    private void Pump()
    {
        var now = _owner.Time.GetUtcNow();
        while (_waiting.TryPeek(out var waiting, out var due) && due <= now)
        {
            _waiting.Dequeue();
            waiting.State = MessageGroupState.Ready;
            _ready.Enqueue(waiting);
        }

        if (!_stopping)
        {
            // In rounds: each round's heads are enriched with one query, then dispatched; groups that become ready
            // meanwhile wait for the next round (and its query).
            while (_ready.Count > 0)
            {
                EnrichReady();
                for (var n = _ready.Count; n > 0 && _ready.TryDequeue(out var group); n--)
                {
                    Dispatch(group, now);
                }
            }
        }

        if (_open.Count > 0)
        {
            List<DeliveryBatch>? due = null;
            foreach (var batch in _open.Values)
            {
                if (_stopping || batch.Deadline <= now)
                {
                    (due ??= []).Add(batch);
                }
            }

            if (due is not null)
            {
                foreach (var batch in due)
                {
                    Seal(batch);
                }
            }
        }

        ArmTimer(now);
    }

    private void Dispatch(MessageGroup group, DateTimeOffset now)
    {
        if (group.Parked is not null)
        {
            DispatchParked(group, now);
            return;
        }

        while (group.Messages.TryPeek(out var entry))
        {
            if (entry.Routed is null)
            {
                if (_owner.Enrichment is not null && !entry.Enriched)
                {
                    // The next message of this group (after a filtered one) is enriched in the next round.
                    _ready.Enqueue(group);
                    return;
                }

                var result = entry.EnrichmentError is { } enrichmentError ? ProcessResult.Failed(enrichmentError) : Process(entry);
                if (result.Kind == ProcessResultKind.Filtered)
                {
                    group.Messages.Dequeue();
                    _owner.OnFiltered(entry);
                    continue;
                }

                if (result.Kind == ProcessResultKind.Failed || result.Message is null)
                {
                    var error = result.Error ?? "The message processor returned no message.";
                    entry.Enriched = false; // A retry queries again.
                    var delay = Fail(entry, error, DeliveryStatus.Retryable, retryAfter: null, now);
                    if (delay is { } d && _owner.FailureLog.ShouldLog(error))
                    {
                        PipelineLog.ProcessingFailed(_owner.Logger, _owner.Name, entry.Message.Relation.QualifiedName, entry.GroupId, entry.FailedAttempts, error, d);
                    }

                    // Either the group waits for its retry, or the head was discarded and Advance queued the group again.
                    return;
                }

                entry.Routed = result.Message;
            }

            AddToBatch(entry, now);
            group.State = MessageGroupState.Busy;
            return;
        }

        Retire(group);
    }

    private ProcessResult Process(PendingMessage entry)
    {
        try
        {
            var result = _processor.Process(entry.Message, entry.GroupId, entry.Enrichment);
            if (result.Kind == ProcessResultKind.Routed && result.Message is { } routed)
            {
                entry.BatchKey = _owner.Pipeline.GetBatchKey(routed);
            }

            return result;
        }
#pragma warning disable CA1031 // A processor or batch key bug fails the message (retried, logged), never the partition.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ProcessResult.Failed($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private void AddToBatch(PendingMessage entry, DateTimeOffset now)
    {
        var batching = _owner.Batching;
        var key = entry.BatchKey!;
        var size = entry.Routed!.Payload.Length;
        if (_open.TryGetValue(key, out var batch) && batch.PayloadBytes + size > batching.MaxBytes)
        {
            Seal(batch);
            batch = null;
        }

        if (batch is null)
        {
            batch = new DeliveryBatch(key, now + batching.Linger);
            _open.Add(key, batch);
        }

        batch.Add(entry);
        if (batch.Entries.Count >= batching.MaxMessages || batch.PayloadBytes >= batching.MaxBytes)
        {
            Seal(batch);
        }
    }

    private void Seal(DeliveryBatch batch)
    {
        _open.Remove(batch.Key);
        _sent.Add(batch);
        _inFlight++;
        _owner.Deliver(this, batch);
    }

    private void OnBatchCompleted(DeliveryBatch batch)
    {
        _sent.Remove(batch);
        _inFlight--;
        if (batch.Abandoned)
        {
            return;
        }

        var now = _owner.Time.GetUtcNow();
        string? batchError = null;
        if (batch.Exception is { } ex)
        {
            batchError = $"{ex.GetType().Name}: {ex.Message}";
            if (_owner.FailureLog.ShouldLog(batchError))
            {
                PipelineLog.BatchThrew(_owner.Logger, ex, _owner.Name, PipelineLog.KeyText(batch.Key), batch.Entries.Count);
            }
        }
        else if (batch.Result is null)
        {
            batchError = "The sink pipeline returned no result.";
        }
        else if (batch.Result.Count is { } count && count != batch.Entries.Count)
        {
            batchError = $"The sink pipeline returned {count} outcomes for a batch of {batch.Entries.Count} messages.";
            PipelineLog.BadOutcomeCount(_owner.Logger, _owner.Name, PipelineLog.KeyText(batch.Key), count, batch.Entries.Count);
        }

        var failed = 0;
        string? firstError = null;
        TimeSpan? firstDelay = null;
        for (var i = 0; i < batch.Entries.Count; i++)
        {
            var entry = batch.Entries[i];
            var group = entry.Group!;
            var outcome = batchError is null ? batch.Result![i] : DeliveryOutcome.Retry(batchError);
            if (outcome.IsDelivered)
            {
                if (entry.ParkedId is not null)
                {
                    SettleParked(entry, filtered: false, now);
                    continue;
                }

                group.Messages.Dequeue();
                _owner.OnDelivered(entry);
                Advance(group);
                continue;
            }

            failed++;
            var error = outcome.Error ?? outcome.Status.ToString();
            firstError ??= error;
            var delay = entry.ParkedId is null
                ? Fail(entry, error, outcome.Status, outcome.RetryAfter, now)
                : FailParked(entry, error, outcome.Status, outcome.RetryAfter, now);
            firstDelay ??= delay;
        }

        _owner.OnBatchCompleted(batch.Entries.Count, failed);
        if (failed > 0 && firstDelay is not null && _owner.FailureLog.ShouldLog(firstError!))
        {
            PipelineLog.BatchFailed(_owner.Logger, _owner.Name, PipelineLog.KeyText(batch.Key), failed, batch.Entries.Count, firstError!, firstDelay ?? TimeSpan.Zero);
        }
    }

    /// <summary>
    /// Records a failed attempt of a group's head: discards it once <c>max_retry_count</c> is reached, otherwise parks
    /// the group until its retry time. Returns the retry delay, or null when discarded.
    /// </summary>
    private TimeSpan? Fail(PendingMessage entry, string error, DeliveryStatus status, TimeSpan? retryAfter, DateTimeOffset now)
    {
        var group = entry.Group!;
        entry.FailedAttempts++;
        _owner.OnFailedAttempt(status != DeliveryStatus.Retryable);
        if (_owner.Settings.MaxRetryCount is { } max && entry.FailedAttempts >= max)
        {
            if (_owner.Parking is not null)
            {
                DiscardDurably(entry, error, now);
                return null;
            }

            group.Messages.Dequeue();
            _owner.OnDiscarded(entry, error);
            Advance(group);
            return null;
        }

        if (status == DeliveryStatus.Rejected && CanPark)
        {
            StartParking(group, error, now + NotRetried);
            return null;
        }

        var delay = status == DeliveryStatus.Rejected
            ? _owner.Settings.RetryMaxDelay
            : RetryDelay(retryAfter, _owner.Retry.GetDelay(entry.FailedAttempts));
        if (ShouldPark(entry))
        {
            StartParking(group, error, now + delay);
            return delay;
        }

        group.State = MessageGroupState.Waiting;
        _waiting.Enqueue(group, now + delay);
        return delay;
    }

    private void Advance(MessageGroup group)
    {
        if (group.Messages.Count > 0)
        {
            group.State = MessageGroupState.Ready;
            _ready.Enqueue(group);
        }
        else
        {
            Retire(group);
        }
    }

    private void Retire(MessageGroup group)
    {
        group.State = MessageGroupState.Idle;
        if (group.Key is { } key)
        {
            _groups.Remove(key);
        }
    }

    /// <summary>The longest the partition's timer is armed for; anything due later is checked again then.</summary>
    internal static readonly TimeSpan MaxTimerWait = TimeSpan.FromDays(1);

    /// <summary>The longest wait a destination's Retry-After is honoured for; a longer one is cut to it.</summary>
    internal static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    /// <summary>Whether <paramref name="due"/> is the "until an operator retries" time of a rejected, parked message.</summary>
    internal static bool IsNotRetried(DateTimeOffset due, DateTimeOffset now) => due - now >= NotRetried / 2;

    /// <summary>The wait before the next attempt: the destination's Retry-After (at most <see cref="MaxRetryAfter"/>) or <paramref name="backoff"/>.</summary>
    private static TimeSpan RetryDelay(TimeSpan? retryAfter, TimeSpan backoff) =>
        retryAfter is { } after && after > TimeSpan.Zero ? (after > MaxRetryAfter ? MaxRetryAfter : after) : backoff;

    private void ArmTimer(DateTimeOffset now)
    {
        var next = DateTimeOffset.MaxValue;
        foreach (var batch in _open.Values)
        {
            if (batch.Deadline < next)
            {
                next = batch.Deadline;
            }
        }

        // A group parked until an operator retries it (NotRetried away) needs no timer: the operator's request wakes it.
        if (_waiting.TryPeek(out _, out var due) && due < next && !IsNotRetried(due, now))
        {
            next = due;
        }

        // A timer takes at most ~49.7 days (uint milliseconds); a farther due wakes the loop early, which re-arms.
        if (next != DateTimeOffset.MaxValue && next - now > MaxTimerWait)
        {
            next = now + MaxTimerWait;
        }

        if (next == _timerDue)
        {
            return;
        }

        _timerDue = next;
        if (next == DateTimeOffset.MaxValue)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var wait = next - now;
        _timer.Change(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
    }
}
