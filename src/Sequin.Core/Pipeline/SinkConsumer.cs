using Microsoft.Extensions.Logging;
using Sequin.Diagnostics;
using Sequin.Messages;
using Sequin.Parking;
using Sequin.Routing;
using Sequin.Sinks;

namespace Sequin.Pipeline;

/// <summary>
/// The delivery runtime of one configured sink. It takes the changes its source filter matches, groups them
/// (primary key by default), spreads the groups over worker partitions, runs the filter/route/transform processor,
/// cuts batches per (partition, batch key), delivers them through the sink's <see cref="ISinkPipeline"/>, and retries
/// failures with exponential backoff, keeping per-group commit order with at most one message per group in flight.
/// </summary>
/// <remarks>
/// Every message it takes is registered with its transaction and released only when it is delivered, filtered out or
/// discarded after <see cref="SinkConsumerSettings.MaxRetryCount"/> failed attempts, so <see cref="Runtime.AckTracker"/>
/// never confirms an undelivered change. Memory is bounded by <see cref="SinkConsumerSettings.MaxBufferedBytes"/> and
/// <see cref="SinkConsumerSettings.MaxBufferedMessages"/>: <see cref="EnqueueAsync"/> waits while the buffer is full.
/// The consumer does not dispose the pipeline it was given.
/// </remarks>
internal sealed class SinkConsumer : IAsyncDisposable
{
    private readonly SequinMetrics _metrics;
    private readonly SourceFilter _filter;
    private readonly GroupIdResolver _groupIds;
    private readonly BufferGate _gate;
    private readonly SinkConsumerCounters _counters;
    private readonly PartitionRouter _router;
    private readonly BatchDelivery _delivery;
    private readonly ParkingHousekeeping? _housekeeping;
    private readonly ITimer _trimTimer;
    private readonly CancellationTokenSource _loopCts = new();
    private readonly CancellationTokenSource _pollCts = new(); // the retry-request poll, stopped first by StopAsync
    private readonly Lock _lifecycleLock = new();
    private readonly TaskCompletionSource<Exception> _crashed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _completion = Task.CompletedTask;
    private Task _polling = Task.CompletedTask;
    private int _state; // 0 created, 1 running, 2 stopping or stopped
    private int _disposed;

    /// <summary>Creates a consumer. Call <see cref="StartAsync"/> to start delivering.</summary>
    /// <param name="settings">The consumer's settings; validated here.</param>
    /// <param name="pipeline">The sink's pipeline (batch key, batching limits, delivery).</param>
    /// <param name="processorFactory">Creates one filter/route/transform processor per partition.</param>
    /// <param name="logger">The runtime's logger.</param>
    /// <param name="timeProvider">The clock for linger and retry timers.</param>
    /// <param name="metrics">The shared <c>Sequin.Core</c> meter.</param>
    /// <param name="parking">
    /// Where messages that failed <see cref="SinkConsumerSettings.ParkAfterFailures"/> times are parked and discards are
    /// recorded; null keeps failing messages in memory (they hold the slot) and only logs discards.
    /// </param>
    /// <exception cref="ArgumentException">A setting or the pipeline's batching options are invalid.</exception>
    public SinkConsumer(
        SinkConsumerSettings settings,
        ISinkPipeline pipeline,
        IMessageProcessorFactory processorFactory,
        ILogger logger,
        TimeProvider timeProvider,
        SequinMetrics metrics,
        IParkingStore? parking = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(processorFactory);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(metrics);
        settings.Validate();
        var batching = pipeline.Batching ?? throw new ArgumentException("The sink pipeline has no batching options.", nameof(pipeline));
        batching = batching with
        {
            MaxMessages = settings.BatchSize ?? batching.MaxMessages,
            Linger = settings.BatchTimeout ?? batching.Linger,
        };
        batching.Validate();

        Settings = settings;
        Pipeline = pipeline;
        Batching = batching;
        Logger = logger;
        Time = timeProvider;
        _metrics = metrics;
        _filter = new SourceFilter(settings);
        _groupIds = new GroupIdResolver(settings);
        _gate = new BufferGate(settings.MaxBufferedBytes, settings.ResolveMaxBufferedMessages(batching.MaxMessages));
        _counters = new SinkConsumerCounters(metrics, settings.Consumer.Name);
        _router = new PartitionRouter(settings.Partitions, index => new ConsumerPartition(this, index, processorFactory.Create()));
        _delivery = new BatchDelivery(pipeline, batching.MaxConcurrentBatches, _counters, timeProvider);
        Retry = new RetrySchedule(settings.RetryBaseDelay, settings.RetryMaxDelay, settings.RetryJitter);
        FailureLog = new FailureLogThrottle(timeProvider, FailureLogThrottle.DefaultWindow, logger, settings.Consumer.Name);
        _housekeeping = parking is null ? null : new ParkingHousekeeping(parking, settings, logger, timeProvider, FailureLog);
        _trimTimer = timeProvider.CreateTimer(static _ => ReturnLargeMemory(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        metrics.Register(this);
    }

    /// <summary>The sink's name.</summary>
    public string Name => Settings.Consumer.Name;

    /// <summary>
    /// The sink's enrichment function, or null: run once per dispatch round of each partition, before the filter,
    /// routing and transform functions, which see its row as <c>metadata.enrichment</c>.
    /// </summary>
    public Functions.EnrichmentQuery? Enrichment { get; init; }

    /// <summary>The consumer's settings.</summary>
    public SinkConsumerSettings Settings { get; }

    /// <summary>The effective batching: the pipeline's, with the consumer's <c>batch_size</c> and <c>batch_timeout_ms</c> applied.</summary>
    public BatchingOptions Batching { get; }

    /// <summary>Messages held now (taken and not yet delivered, filtered or discarded).</summary>
    public int BufferedMessages => _gate.Messages;

    /// <summary>
    /// Completes once every partition has handled the events queued to it before this call (messages taken, batches
    /// completed): a point after which each partition's clock readings for those events have been made. For tests on a
    /// fake clock, which must not advance it while a partition still has to read it.
    /// </summary>
    internal Task WhenPartitionsCaughtUpAsync() => Task.WhenAll(_router.Created.Select(partition =>
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        partition.Post(new PartitionEvent(null, null, false, () => done.TrySetResult()));
        return done.Task;
    }));

    /// <summary>Estimated bytes (<see cref="ChangeMessage.EstimatedSize"/>) held now.</summary>
    public long BufferedBytes => _gate.Bytes;

    /// <summary>The most messages held at once since creation.</summary>
    public int PeakBufferedMessages => _gate.PeakMessages;

    /// <summary>The most estimated bytes held at once since creation.</summary>
    public long PeakBufferedBytes => _gate.PeakBytes;

    /// <summary>Messages the sink accepted.</summary>
    public long DeliveredMessages => _counters.Delivered;

    /// <summary>Batches handed to the sink that returned (whatever their outcomes).</summary>
    public long DeliveredBatches => _counters.DeliveredBatches;

    /// <summary>Failed attempts, of processing (filter/route/transform) or delivery; each is retried or ends in a discard.</summary>
    public long FailedAttempts => _counters.FailedAttempts;

    /// <summary>The failed delivery attempts whose outcome was <see cref="DeliveryStatus.Permanent"/> (also in <see cref="FailedAttempts"/>).</summary>
    public long PermanentFailures => _counters.PermanentFailures;

    /// <summary>
    /// Messages discarded: after <see cref="SinkConsumerSettings.MaxRetryCount"/> failed attempts, or parked ones by an
    /// operator; with a parking store, the discard records found there at start included.
    /// </summary>
    public long DiscardedMessages => _counters.Discarded;

    /// <summary>Messages written to the parking store (and so settled for acknowledgement), those found there at start included.</summary>
    public long ParkedMessages => _counters.Parked;

    /// <summary>Messages in the parking store now: <see cref="ParkedMessages"/> minus <see cref="UnparkedMessages"/>.</summary>
    public long ParkedNow => Math.Max(0, _counters.Parked - _counters.Unparked);

    /// <summary>
    /// Why the sink is not plainly running, or null: messages are parked, or deliveries have been failing (and are being
    /// retried) since the last delivered batch. The API and console show it as status <c>degraded</c>; the
    /// <c>sequin.sink.degraded</c> gauge is 1.
    /// </summary>
    public string? DegradedReason
    {
        get
        {
            var reasons = new List<string>(2);
            if (ParkedNow is var parked and > 0)
            {
                reasons.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{parked} parked message(s) in sequin_state.parked_messages"));
            }

            if (_counters.FailingFor is { } failing)
            {
                reasons.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"deliveries failing and retried for {failing.TotalSeconds:0} s"));
            }

            return reasons.Count == 0 ? null : string.Join("; ", reasons);
        }
    }

    /// <summary>Parked messages delivered (or filtered) from the parking store and removed from it.</summary>
    public long UnparkedMessages => _counters.Unparked;

    /// <summary>Messages the filter function dropped.</summary>
    public long FilteredMessages => _counters.Filtered;

    /// <summary>Completes when the worker partitions have ended; faults if one failed unexpectedly.</summary>
    public Task Completion => _completion;

    /// <summary>
    /// Completes, with the exception, as soon as one worker partition's loop fails unexpectedly: from then on the
    /// consumer cannot deliver that partition's messages, so its database cannot acknowledge past them. Never completes
    /// otherwise. The runtime watches it and stops visibly (<see cref="Hosting.SequinRuntime"/>).
    /// </summary>
    public Task<Exception> Crashed => _crashed.Task;

    internal ISinkPipeline Pipeline { get; }

    /// <summary>The parking store, or null when failing messages stay in memory.</summary>
    internal IParkingStore? Parking => _housekeeping?.Store;

    /// <summary>Cancelled when a stop is forced: deliveries and parking-store operations are abandoned.</summary>
    internal CancellationToken DeliveryToken => _delivery.Token;

    internal ILogger Logger { get; }

    internal TimeProvider Time { get; }

    internal RetrySchedule Retry { get; }

    /// <summary>Limits failure warnings to one per error and window, counting the rest.</summary>
    internal FailureLogThrottle FailureLog { get; }

    internal KeyValuePair<string, object?> MetricTag => _counters.MetricTag;

    /// <summary>How long the sink has failed without delivering anything (null: its last outcome was a delivery); for health checks.</summary>
    internal TimeSpan? FailingFor => _counters.FailingFor;

    /// <summary>Whether this consumer takes <paramref name="message"/> (schemas, tables, actions).</summary>
    public bool Matches(ChangeMessage message) => _filter.Matches(message);

    /// <summary>
    /// Takes a change if the source filter matches it: registers the delivery with its transaction, then waits while
    /// the buffer is full. Returns without effect for a change the consumer does not take. Call in WAL order.
    /// </summary>
    /// <exception cref="InvalidOperationException">The consumer is stopping or stopped.</exception>
    /// <exception cref="OperationCanceledException">The token fired while waiting for room; the delivery stays owed.</exception>
    public ValueTask EnqueueAsync(ChangeMessage message, CancellationToken cancellationToken) => Enqueue(message, wake: true, cancellationToken);

    /// <summary>
    /// As <see cref="EnqueueAsync"/>, but leaves the partitions asleep (until a few hundred messages wait): for a
    /// producer handing over a run of changes (a transaction, a backfill page), which calls <see cref="WakePartitions"/>
    /// at its end, so that the partitions wake once for the run instead of once per message.
    /// </summary>
    /// <exception cref="InvalidOperationException">The consumer is stopping or stopped.</exception>
    /// <exception cref="OperationCanceledException">The token fired while waiting for room; the delivery stays owed.</exception>
    internal ValueTask EnqueueDeferredAsync(ChangeMessage message, CancellationToken cancellationToken) => Enqueue(message, wake: false, cancellationToken);

    /// <summary>
    /// Waits until a change of <paramref name="action"/> to <paramref name="relation"/> holding <paramref name="bytes"/>
    /// bytes would fit in the buffer, without taking the room (<see cref="BufferGate.WaitForRoomAsync"/>): the WAL reader
    /// calls it before reading a large value, so that a row larger than the budget is read only once the buffer is
    /// empty. Completes at once for a change the consumer does not take.
    /// </summary>
    /// <exception cref="InvalidOperationException">The consumer is stopping or stopped.</exception>
    /// <exception cref="OperationCanceledException">The token fired while waiting for room.</exception>
    internal ValueTask WaitForRoomAsync(RelationInfo relation, ChangeAction action, int bytes, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _state) == 2)
        {
            throw new InvalidOperationException($"Sink consumer '{Name}' is stopped.");
        }

        if (!_filter.Matches(relation, action))
        {
            return ValueTask.CompletedTask;
        }

        var wait = _gate.WaitForRoomAsync(bytes, cancellationToken);
        if (!wait.IsCompletedSuccessfully)
        {
            // The messages handed over without a wake must be worked on, or room would never come.
            _router.WakeAll();
        }

        return wait;
    }

    /// <summary>Callers waiting for room in the buffer now (the WAL reader, a backfill).</summary>
    internal int WaitingForRoom => _gate.Waiting;

    /// <summary>Wakes the partitions for the messages taken with <see cref="EnqueueDeferredAsync"/>.</summary>
    internal void WakePartitions() => _router.WakeAll();

    private ValueTask Enqueue(ChangeMessage message, bool wake, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Volatile.Read(ref _state) == 2)
        {
            throw new InvalidOperationException($"Sink consumer '{Name}' is stopped.");
        }

        if (!_filter.Matches(message))
        {
            return ValueTask.CompletedTask;
        }

        var groupId = _groupIds.Resolve(message);
        GroupKey? key = groupId is null ? null : new GroupKey(message.Relation.Oid, message.Action == ChangeAction.Truncate, groupId);

        // Registered before waiting: if the wait is cancelled, the transaction must not look done.
        message.Transaction.AddPending();
        var entry = new PendingMessage(message, groupId, key);
        var wait = _gate.WaitAsync(entry.Size, cancellationToken);
        if (wait.IsCompletedSuccessfully)
        {
            _router.Route(entry, wake);
            return ValueTask.CompletedTask;
        }

        // The buffer is full: the messages handed over without a wake must be worked on, or room would never come.
        _router.WakeAll();
        return EnqueueSlowAsync(wait, entry, wake);
    }

    /// <summary>Starts the worker partitions. Messages taken before are kept and processed.</summary>
    /// <exception cref="InvalidOperationException">The consumer was already started or stopped.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The groups parked before are loaded (keys and counts only) so that new messages of them park behind.
        var (parked, discarded) = _housekeeping is null ? (Array.Empty<Parking.ParkedGroupSummary>(), 0L) : await _housekeeping.StartAsync(cancellationToken).ConfigureAwait(false);
        _counters.SeedParked(parked.Sum(g => (long)g.Count));
        _counters.SeedDiscarded(discarded);
        IReadOnlyList<ConsumerPartition> partitions;
        lock (_lifecycleLock)
        {
            if (_state != 0)
            {
                throw new InvalidOperationException($"Sink consumer '{Name}' was already started.");
            }

            partitions = _router.EnsurePartitions();
            foreach (var group in parked)
            {
                var partition = _router.PartitionOf(new GroupKey(group.Key.TableOid, group.Key.IsTruncate, group.Key.GroupId));
                partition.AdoptParked(group);

                // A tick makes the loop arm its timer for the adopted groups even if no new message comes.
                partition.Post(PartitionEvent.Tick);
            }

            var token = _loopCts.Token;
            _completion = Task.WhenAll(partitions.Select(p => Task.Run(() => RunPartitionAsync(p, token), CancellationToken.None)));
            if (_housekeeping is not null)
            {
                _polling = _housekeeping.PollRetryRequestsAsync(partitions, _pollCts.Token);
            }

            _state = 1;
        }

        PipelineLog.Started(Logger, Name, partitions.Count, Batching.MaxMessages, Batching.MaxBytes, Batching.Linger, Batching.MaxConcurrentBatches);
    }

    /// <summary>
    /// Stops taking messages, sends the batches already being filled, and waits for in-flight batches to finish.
    /// When <paramref name="cancellationToken"/> fires first, in-flight deliveries are cancelled and abandoned.
    /// Undelivered messages are never marked done: they stay un-acknowledged and are read again after a restart.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_lifecycleLock)
        {
            if (_state == 2)
            {
                return;
            }

            var wasRunning = _state == 1;
            _state = 2;
            if (!wasRunning)
            {
                _gate.Close();
                return;
            }
        }

        _gate.Close();

        // No operator retry requests are taken while stopping: the parking store may be released right after.
        await _pollCts.CancelAsync().ConfigureAwait(false);
        await _polling.ConfigureAwait(false);
        foreach (var p in _router.Created)
        {
            p.Post(new PartitionEvent(null, null, Stop: true));
        }

        try
        {
            await _completion.WaitAsync(cancellationToken).ConfigureAwait(false);
            PipelineLog.Stopped(Logger, Name, BufferedMessages);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await _delivery.CancelAsync().ConfigureAwait(false);
            await _loopCts.CancelAsync().ConfigureAwait(false);
            PipelineLog.StopForced(Logger, Name, BufferedMessages);
        }
#pragma warning disable CA1031 // A failed partition was logged where it failed; stopping must still complete.
        catch (Exception)
#pragma warning restore CA1031
        {
            PipelineLog.Stopped(Logger, Name, BufferedMessages);
        }
    }

    /// <summary>
    /// Waits until the consumer holds no message (every one taken is delivered, filtered, parked or discarded): called
    /// once it takes no new messages (removed from its dispatcher, its backfills stopped). Returns false when
    /// <paramref name="cancellationToken"/> fires first; a paused consumer never drains.
    /// </summary>
    internal async Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        _router.WakeAll();
        while (_gate.Messages > 0)
        {
            try
            {
                await Task.Delay(DrainPollInterval, Time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>How often <see cref="DrainAsync"/> looks at the buffer.</summary>
    internal static readonly TimeSpan DrainPollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// After <see cref="StopAsync"/>: the messages still held, per group in commit order (see
    /// <see cref="ConsumerPartition.CollectHeld"/>). They stay owed until <see cref="Release"/> is called for them.
    /// </summary>
    internal IReadOnlyList<PendingMessage> TakeHeld()
    {
        var held = new List<PendingMessage>();
        foreach (var partition in _router.Created)
        {
            partition.CollectHeld(held);
        }

        return held;
    }

    /// <summary>Settles <paramref name="held"/> (from <see cref="TakeHeld"/>) without delivering them: their buffer room and their transactions' debt are released.</summary>
    internal void Release(IEnumerable<PendingMessage> held)
    {
        foreach (var entry in held)
        {
            Complete(entry);
        }
    }

    /// <summary>
    /// Before <see cref="StartAsync"/>: takes over the messages a consumer this one replaces still held, ahead of every
    /// message taken so far (which are all later in the WAL), so that per group the order holds. Messages its source
    /// filter does not match are skipped. Each is registered with its transaction before the caller releases the old
    /// consumer's entries, so the acknowledgement never passes them. Returns how many were taken.
    /// </summary>
    /// <exception cref="InvalidOperationException">The consumer was already started.</exception>
    internal int Adopt(IEnumerable<ChangeMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        lock (_lifecycleLock)
        {
            if (_state != 0)
            {
                throw new InvalidOperationException($"Sink consumer '{Name}' was already started: it cannot take over messages.");
            }
        }

        var partitions = _router.EnsurePartitions();
        var perPartition = new List<PendingMessage>[partitions.Count];
        var taken = 0;
        var spread = 0;
        foreach (var message in messages)
        {
            if (!_filter.Matches(message))
            {
                continue;
            }

            var groupId = _groupIds.Resolve(message);
            GroupKey? key = groupId is null ? null : new GroupKey(message.Relation.Oid, message.Action == ChangeAction.Truncate, groupId);
            message.Transaction.AddPending();
            var entry = new PendingMessage(message, groupId, key);
            _gate.Force(entry.Size);
            var index = key is { } k ? _router.PartitionOf(k).Index : spread++ % partitions.Count;
            (perPartition[index] ??= []).Add(entry);
            taken++;
        }

        for (var i = 0; i < partitions.Count; i++)
        {
            if (perPartition[i] is { } entries)
            {
                partitions[i].PostFirst(entries);
            }
        }

        return taken;
    }

    /// <summary>Stops (abandoning in-flight batches at once) and releases the consumer's resources.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using (var cancelled = new CancellationTokenSource())
        {
            await cancelled.CancelAsync().ConfigureAwait(false);
            await StopAsync(cancelled.Token).ConfigureAwait(false);
        }

        _metrics.Unregister(this);
        await _trimTimer.DisposeAsync().ConfigureAwait(false);
        _delivery.Dispose();
        _loopCts.Dispose();
        _pollCts.Dispose();
    }

    /// <summary>Whether deliveries are paused (<see cref="Pause"/>).</summary>
    public bool IsPaused => _delivery.Pause.IsPaused;

    /// <summary>
    /// Pauses deliveries: batches already handed to the sink finish, the next ones wait, buffered and unacknowledged,
    /// until <see cref="Resume"/>. False when already paused.
    /// </summary>
    public bool Pause()
    {
        var paused = _delivery.Pause.Pause();
        if (paused)
        {
            PipelineLog.SinkPaused(Logger, Name);
        }

        return paused;
    }

    /// <summary>Resumes deliveries: the held batches go out, in order. False when not paused.</summary>
    public bool Resume()
    {
        var resumed = _delivery.Pause.Resume();
        if (resumed)
        {
            PipelineLog.SinkResumed(Logger, Name);
        }

        return resumed;
    }

    /// <summary>The last distinct delivery errors, oldest first.</summary>
    public IReadOnlyList<RecentError> RecentErrors => FailureLog.Recent();

    internal void Deliver(ConsumerPartition partition, DeliveryBatch batch) => _delivery.Deliver(partition, batch);

    internal void OnDelivered(PendingMessage entry)
    {
        _counters.OnDelivered();
        if (_metrics.DeliveryLatencyEnabled)
        {
            _metrics.DeliveryLatency(_counters.MetricTag, Time.GetUtcNow() - entry.Message.CommitTimestamp);
        }

        Complete(entry);
    }

    internal void OnFiltered(PendingMessage entry)
    {
        _counters.OnFiltered();
        Complete(entry);
    }

    internal void OnDiscarded(PendingMessage entry, string reason, bool settle = true)
    {
        _counters.OnDiscarded();
        var m = entry.Message;
        PipelineLog.Discarded(Logger, Name, ChangeActionNames.ToWireName(m.Action), m.Relation.QualifiedName, entry.GroupId, m.CommitLsn, m.CommitIdx, entry.FailedAttempts, Settings.MaxRetryCount ?? 0, reason);
        if (settle)
        {
            Complete(entry);
        }

        _housekeeping?.OnDiscarded(DeliveryToken);
    }

    /// <summary>A message was written to the parking store: it is settled (its buffer space and its transaction's debt released).</summary>
    internal void OnParked(PendingMessage entry)
    {
        _counters.OnParked();
        Complete(entry);
    }

    /// <summary>A parked message was delivered (or filtered) and removed from the store; it was settled when parked.</summary>
    internal void OnParkedSettled(bool filtered) => _counters.OnUnparked(filtered);

    internal void OnRemovedFromParking(long count) => _counters.OnRemovedFromParking(count);

    internal void OnFailedAttempt(bool permanent) => _counters.OnFailedAttempt(permanent);

    internal void OnBatchCompleted(int count, int failed) => _counters.OnBatchCompleted(count, failed);

    private async ValueTask EnqueueSlowAsync(ValueTask wait, PendingMessage entry, bool wake)
    {
        await wait.ConfigureAwait(false);
        _router.Route(entry, wake);
    }

    private void Complete(PendingMessage entry)
    {
        _gate.Release(entry.Size);
        entry.Message.Transaction.CompletePending();
        if (entry.Size >= LargeMessageBytes)
        {
            // Once large messages stop coming (a second after the last one is done), their memory goes back to the
            // system rather than staying with the process until the GC next needs room.
            _trimTimer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Messages this large (1 MiB) make the consumer return memory to the system a second after the last one is done.</summary>
    internal const int LargeMessageBytes = 1024 * 1024;

    private static void ReturnLargeMemory() => GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    private async Task RunPartitionAsync(ConsumerPartition partition, CancellationToken cancellationToken)
    {
        try
        {
            await partition.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            PipelineLog.PartitionFailed(Logger, ex, Name, partition.Index);
            _crashed.TrySetResult(ex);
            throw;
        }
    }
}
