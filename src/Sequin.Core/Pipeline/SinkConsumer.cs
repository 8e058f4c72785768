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
    private readonly IMessageProcessorFactory _processorFactory;
    private readonly SequinMetrics _metrics;
    private readonly SourceFilter _filter;
    private readonly GroupIdResolver _groupIds;
    private readonly BufferGate _gate;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _deliveryCts = new();
    private readonly CancellationTokenSource _loopCts = new();
    private readonly Lock _lifecycleLock = new();
    private readonly TaskCompletionSource<Exception> _crashed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ConsumerPartition[] _partitions = [];
    private Task _completion = Task.CompletedTask;
    private int _state; // 0 created, 1 running, 2 stopping or stopped
    private int _disposed;
    private uint _spread;
    private long _delivered;
    private long _deliveredBatches;
    private long _failedAttempts;
    private long _permanentFailures;
    private long _discarded;
    private long _filtered;
    private long _parked;
    private long _unparked;
    private long _lastPurgeTicks;

    /// <summary>Creates a consumer. Call <see cref="StartAsync"/> to start delivering.</summary>
    /// <param name="settings">The consumer's settings; validated here.</param>
    /// <param name="pipeline">The sink's pipeline (batch key, batching limits, delivery).</param>
    /// <param name="processorFactory">Creates one filter/route/transform processor per partition.</param>
    /// <param name="logger">The runtime's logger.</param>
    /// <param name="timeProvider">The clock for linger and retry timers.</param>
    /// <param name="metrics">The shared <c>Sequin.Core</c> meter.</param>
    /// <exception cref="ArgumentException">A setting or the pipeline's batching options are invalid.</exception>
    public SinkConsumer(
        SinkConsumerSettings settings,
        ISinkPipeline pipeline,
        IMessageProcessorFactory processorFactory,
        ILogger logger,
        TimeProvider timeProvider,
        SequinMetrics metrics)
        : this(settings, pipeline, processorFactory, logger, timeProvider, metrics, parking: null)
    {
    }

    /// <summary>Creates a consumer that parks failing messages in <paramref name="parking"/>. Call <see cref="StartAsync"/> to start delivering.</summary>
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
        IParkingStore? parking)
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
        _processorFactory = processorFactory;
        _metrics = metrics;
        Parking = parking;
        _filter = new SourceFilter(settings);
        _groupIds = new GroupIdResolver(settings);
        _gate = new BufferGate(settings.MaxBufferedBytes, settings.MaxBufferedMessages);
        _slots = new SemaphoreSlim(batching.MaxConcurrentBatches, batching.MaxConcurrentBatches);
        Retry = new RetrySchedule(settings.RetryBaseDelay, settings.RetryMaxDelay, settings.RetryJitter);
        FailureLog = new FailureLogThrottle(timeProvider, FailureLogThrottle.DefaultWindow);
        MetricTag = new KeyValuePair<string, object?>("sequin.sink.name", settings.Consumer.Name);
        metrics.Register(this);
    }

    /// <summary>The sink's name.</summary>
    public string Name => Settings.Consumer.Name;

    /// <summary>The consumer's settings.</summary>
    public SinkConsumerSettings Settings { get; }

    /// <summary>The effective batching: the pipeline's, with the consumer's <c>batch_size</c> and <c>batch_timeout_ms</c> applied.</summary>
    public BatchingOptions Batching { get; }

    /// <summary>Messages held now (taken and not yet delivered, filtered or discarded).</summary>
    public int BufferedMessages => _gate.Messages;

    /// <summary>Estimated bytes (<see cref="ChangeMessage.EstimatedSize"/>) held now.</summary>
    public long BufferedBytes => _gate.Bytes;

    /// <summary>The most messages held at once since creation.</summary>
    public int PeakBufferedMessages => _gate.PeakMessages;

    /// <summary>The most estimated bytes held at once since creation.</summary>
    public long PeakBufferedBytes => _gate.PeakBytes;

    /// <summary>Messages the sink accepted.</summary>
    public long DeliveredMessages => Interlocked.Read(ref _delivered);

    /// <summary>Batches handed to the sink that returned (whatever their outcomes).</summary>
    public long DeliveredBatches => Interlocked.Read(ref _deliveredBatches);

    /// <summary>Failed attempts, of processing (filter/route/transform) or delivery; each is retried or ends in a discard.</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    /// <summary>The failed delivery attempts whose outcome was <see cref="DeliveryStatus.Permanent"/> (also in <see cref="FailedAttempts"/>).</summary>
    public long PermanentFailures => Interlocked.Read(ref _permanentFailures);

    /// <summary>Messages discarded after <see cref="SinkConsumerSettings.MaxRetryCount"/> failed attempts.</summary>
    public long DiscardedMessages => Interlocked.Read(ref _discarded);

    /// <summary>Messages written to the parking store (and so settled for acknowledgement).</summary>
    public long ParkedMessages => Interlocked.Read(ref _parked);

    /// <summary>Parked messages delivered (or filtered) from the parking store and removed from it.</summary>
    public long UnparkedMessages => Interlocked.Read(ref _unparked);

    /// <summary>Messages the filter function dropped.</summary>
    public long FilteredMessages => Interlocked.Read(ref _filtered);

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
    internal IParkingStore? Parking { get; }

    /// <summary>Cancelled when a stop is forced: deliveries and parking-store operations are abandoned.</summary>
    internal CancellationToken DeliveryToken => _deliveryCts.Token;

    internal ILogger Logger { get; }

    internal TimeProvider Time { get; }

    internal RetrySchedule Retry { get; }

    /// <summary>Limits failure warnings to one per window, counting the rest.</summary>
    internal FailureLogThrottle FailureLog { get; }

    /// <summary>True when a failure with <paramref name="error"/> should be logged now; first reports how many were not logged since the last.</summary>
    internal bool ShouldLogFailure(string error)
    {
        if (!FailureLog.ShouldLog(error, out var suppressed))
        {
            return false;
        }

        if (suppressed > 0)
        {
            PipelineLog.FailuresSuppressed(Logger, Name, suppressed, FailureLogThrottle.DefaultWindow);
        }

        return true;
    }

    internal KeyValuePair<string, object?> MetricTag { get; }

    /// <summary>Whether this consumer takes <paramref name="message"/> (schemas, tables, actions).</summary>
    public bool Matches(ChangeMessage message) => _filter.Matches(message);

    /// <summary>
    /// Takes a change if the source filter matches it: registers the delivery with its transaction, then waits while
    /// the buffer is full. Returns without effect for a change the consumer does not take. Call in WAL order.
    /// </summary>
    /// <exception cref="InvalidOperationException">The consumer is stopping or stopped.</exception>
    /// <exception cref="OperationCanceledException">The token fired while waiting for room; the delivery stays owed.</exception>
    public ValueTask EnqueueAsync(ChangeMessage message, CancellationToken cancellationToken)
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
            Route(entry);
            return ValueTask.CompletedTask;
        }

        return EnqueueSlowAsync(wait, entry);
    }

    /// <summary>Starts the worker partitions. Messages taken before are kept and processed.</summary>
    /// <exception cref="InvalidOperationException">The consumer was already started or stopped.</exception>
    public Task StartAsync(CancellationToken cancellationToken) =>
        Parking is null ? StartLoops(null) : StartWithParkingAsync(Parking, cancellationToken);

    private async Task StartWithParkingAsync(IParkingStore parking, CancellationToken cancellationToken)
    {
        // The groups parked before are loaded (keys and counts only) so that new messages of them park behind.
        await parking.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var groups = await parking.LoadGroupsAsync(Name, cancellationToken).ConfigureAwait(false);
        if (groups.Count > 0)
        {
            ParkingLog.Loaded(Logger, Name, groups.Sum(g => g.Count), groups.Count);
        }

        await PurgeDiscardedAsync(parking, cancellationToken).ConfigureAwait(false);
        await StartLoops(groups).ConfigureAwait(false);
    }

    private Task StartLoops(IReadOnlyList<ParkedGroupSummary>? parked)
    {
        lock (_lifecycleLock)
        {
            if (_state != 0)
            {
                throw new InvalidOperationException($"Sink consumer '{Name}' was already started.");
            }

            EnsurePartitions();
            foreach (var group in parked ?? [])
            {
                var partition = _partitions[PartitionOf(new GroupKey(group.Key.TableOid, group.Key.IsTruncate, group.Key.GroupId))];
                partition.AdoptParked(group);

                // A tick makes the loop arm its timer for the adopted groups even if no new message comes.
                partition.Post(PartitionEvent.Tick);
            }

            var token = _loopCts.Token;
            _completion = Task.WhenAll(_partitions.Select(p => Task.Run(() => RunPartitionAsync(p, token), CancellationToken.None)));
            if (Parking is { } parking && parked is not null)
            {
                _ = PollRetryRequestsAsync(parking, DeliveryToken);
            }
            _state = 1;
        }

        PipelineLog.Started(Logger, Name, _partitions.Length, Batching.MaxMessages, Batching.MaxBytes, Batching.Linger, Batching.MaxConcurrentBatches);
        return Task.CompletedTask;
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
        foreach (var p in _partitions)
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
            await _deliveryCts.CancelAsync().ConfigureAwait(false);
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
        _deliveryCts.Dispose();
        _loopCts.Dispose();
        _slots.Dispose();
    }

    internal void Deliver(ConsumerPartition partition, DeliveryBatch batch) =>
        _ = Task.Run(() => DeliverAsync(partition, batch), CancellationToken.None);

    internal void OnDelivered(PendingMessage entry)
    {
        Interlocked.Increment(ref _delivered);
        Complete(entry);
    }

    internal void OnFiltered(PendingMessage entry)
    {
        Interlocked.Increment(ref _filtered);
        _metrics.Filtered(MetricTag);
        Complete(entry);
    }

    internal void OnDiscarded(PendingMessage entry, string reason, bool settle = true)
    {
        Interlocked.Increment(ref _discarded);
        _metrics.Discarded(MetricTag);
        var m = entry.Message;
        PipelineLog.Discarded(Logger, Name, ChangeActionNames.ToWireName(m.Action), m.Relation.QualifiedName, entry.GroupId, m.CommitLsn, m.CommitIdx, entry.FailedAttempts, Settings.MaxRetryCount ?? 0, reason);
        if (settle)
        {
            Complete(entry);
        }

        if (Parking is { } parking && Time.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastPurgeTicks) > TimeSpan.TicksPerHour)
        {
            _ = PurgeDiscardedAsync(parking, DeliveryToken);
        }
    }

    /// <summary>A message was written to the parking store: it is settled (its buffer space and its transaction's debt released).</summary>
    internal void OnParked(PendingMessage entry)
    {
        Interlocked.Increment(ref _parked);
        Complete(entry);
    }

    /// <summary>A parked message was delivered (or filtered) and removed from the store; it was settled when parked.</summary>
    internal void OnParkedSettled(bool filtered)
    {
        Interlocked.Increment(ref _unparked);
        if (filtered)
        {
            Interlocked.Increment(ref _filtered);
            _metrics.Filtered(MetricTag);
        }
        else
        {
            Interlocked.Increment(ref _delivered);
        }
    }

    internal void OnFailedAttempt(bool permanent)
    {
        Interlocked.Increment(ref _failedAttempts);
        if (permanent)
        {
            Interlocked.Increment(ref _permanentFailures);
        }

        _metrics.FailedAttempt(MetricTag, permanent);
    }

    internal void OnBatchCompleted(int count, int failed)
    {
        Interlocked.Increment(ref _deliveredBatches);
        if (count > failed)
        {
            _metrics.Delivered(MetricTag, count - failed);
        }
    }

    // Operator retry requests (sequin messages retry) reach the partitions within one poll interval.
    private async Task PollRetryRequestsAsync(IParkingStore parking, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Settings.RetryRequestPollInterval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                IReadOnlyList<ParkingKey> keys;
                try
                {
                    keys = await parking.TakeRetryRequestsAsync(Name, cancellationToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Polling is retried at the next tick; a failure is logged (throttled), never fatal.
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    var error = $"{ex.GetType().Name}: {ex.Message}";
                    if (ShouldLogFailure(error))
                    {
                        ParkingLog.StoreFailed(Logger, Name, "Reading retry requests", error);
                    }

                    continue;
                }

                if (keys.Count > 0)
                {
                    ParkingLog.RetryRequested(Logger, Name, keys.Count);
                    foreach (var partition in _partitions)
                    {
                        partition.RetryParkedNow(keys);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task PurgeDiscardedAsync(IParkingStore parking, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastPurgeTicks, Time.GetUtcNow().UtcTicks);
        try
        {
            var purged = await parking.PurgeDiscardedAsync(Name, Time.GetUtcNow() - Settings.DiscardedRetention, cancellationToken).ConfigureAwait(false);
            if (purged > 0)
            {
                ParkingLog.Purged(Logger, Name, purged, Settings.DiscardedRetention);
            }
        }
#pragma warning disable CA1031 // Purging old records is housekeeping: a failure is logged and tried again later.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            ParkingLog.StoreFailed(Logger, Name, "Removing old discard records", ex.Message);
        }
    }

    private async ValueTask EnqueueSlowAsync(ValueTask wait, PendingMessage entry)
    {
        await wait.ConfigureAwait(false);
        Route(entry);
    }

    private void Route(PendingMessage entry)
    {
        EnsurePartitions();
        var partitions = _partitions;
        var index = entry.Key is { } key
            ? PartitionOf(key)
            : (int)(Interlocked.Increment(ref _spread) % (uint)partitions.Length);
        partitions[index].Post(new PartitionEvent(entry, null, Stop: false));
    }

    private int PartitionOf(GroupKey key)
    {
        var hash = (uint)HashCode.Combine(key.TableOid, key.IsTruncate, string.GetHashCode(key.GroupId, StringComparison.Ordinal));
        return (int)(hash % (uint)_partitions.Length);
    }

    private void EnsurePartitions()
    {
        if (_partitions.Length > 0)
        {
            return;
        }

        lock (_lifecycleLock)
        {
            if (_partitions.Length == 0)
            {
                var partitions = new ConsumerPartition[Settings.Partitions];
                for (var i = 0; i < partitions.Length; i++)
                {
                    partitions[i] = new ConsumerPartition(this, i, _processorFactory.Create());
                }

                _partitions = partitions;
            }
        }
    }

    private void Complete(PendingMessage entry)
    {
        _gate.Release(entry.Size);
        entry.Message.Transaction.CompletePending();
    }

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

    private async Task DeliverAsync(ConsumerPartition partition, DeliveryBatch batch)
    {
        var token = _deliveryCts.Token;
        try
        {
            await _slots.WaitAsync(token).ConfigureAwait(false);
            try
            {
                var messages = new RoutedMessage[batch.Entries.Count];
                for (var i = 0; i < messages.Length; i++)
                {
                    messages[i] = batch.Entries[i].Routed!;
                }

                var started = Time.GetTimestamp();
                batch.Result = await Pipeline.DeliverAsync(new SinkBatch(batch.Key, messages), token).ConfigureAwait(false);
                _metrics.Batch(MetricTag, messages.Length, Time.GetElapsedTime(started));
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            batch.Abandoned = true;
        }
#pragma warning disable CA1031 // The sink's exception fails the batch as retryable; it is logged by the partition.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            batch.Exception = ex;
        }

        partition.Post(new PartitionEvent(null, batch, Stop: false));
    }
}
