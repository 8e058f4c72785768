using System.Diagnostics.Metrics;
using Sequin.Pipeline;

namespace Sequin.Diagnostics;

/// <summary>
/// The <see cref="Meter"/> named <c>Sequin.Core</c> and its instruments. One instance serves every sink consumer of a
/// host; each sink measurement carries the tag <c>sequin.sink.name</c>, each replication measurement the tag
/// <c>sequin.database.name</c>. docs/reference/metrics.md lists every series.
/// </summary>
/// <remarks>
/// Instruments: counters <c>sequin.sink.messages.delivered</c>, <c>sequin.sink.messages.filtered</c>,
/// <c>sequin.sink.messages.discarded</c>, <c>sequin.sink.delivery.failures</c> (tag <c>sequin.failure.kind</c>:
/// <c>retryable</c> or <c>permanent</c>), <c>sequin.sink.batches</c>; histograms <c>sequin.sink.batch.size</c>
/// (messages), <c>sequin.sink.batch.duration</c> (seconds) and <c>sequin.sink.delivery.latency</c> (seconds, commit to delivery); gauges <c>sequin.sink.buffered.messages</c> and
/// <c>sequin.sink.buffered.bytes</c>; per database: counter <c>sequin.replication.changes.read</c>, gauges
/// <c>sequin.replication.lag</c> (bytes), <c>sequin.replication.lag.time</c> (seconds), <c>sequin.replication.connected</c>.
/// </remarks>
internal sealed class SequinMetrics : IDisposable
{
    /// <summary>The meter name: <c>Sequin.Core</c>.</summary>
    public const string MeterName = "Sequin.Core";

    private readonly Meter _meter;
    private readonly Lock _lock = new();
    private readonly List<SinkConsumer> _consumers = [];
    private readonly List<ReplicationStatus> _databases = [];
    private readonly Counter<long> _changesRead;
    private readonly Counter<long> _slotInvalidated;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _filtered;
    private readonly Counter<long> _discarded;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _batches;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _batchDuration;
    private readonly Histogram<double> _deliveryLatency;

    /// <summary>Creates the instruments, through <paramref name="meterFactory"/> when given (the host's DI does so).</summary>
    public SequinMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        _delivered = _meter.CreateCounter<long>("sequin.sink.messages.delivered", "{message}", "Messages the sink accepted.");
        _filtered = _meter.CreateCounter<long>("sequin.sink.messages.filtered", "{message}", "Messages the filter function dropped.");
        _discarded = _meter.CreateCounter<long>("sequin.sink.messages.discarded", "{message}", "Messages discarded after max_retry_count failed attempts.");
        _failures = _meter.CreateCounter<long>("sequin.sink.delivery.failures", "{attempt}", "Failed attempts (processing or delivery).");
        _batches = _meter.CreateCounter<long>("sequin.sink.batches", "{batch}", "Batches handed to the sink.");
        _batchSize = _meter.CreateHistogram<int>("sequin.sink.batch.size", "{message}", "Messages per batch.");
        _batchDuration = _meter.CreateHistogram<double>("sequin.sink.batch.duration", "s", "Time the sink took to deliver a batch.");
        _deliveryLatency = _meter.CreateHistogram<double>("sequin.sink.delivery.latency", "s", "From a change's commit in PostgreSQL to its delivery by the sink.");
        _changesRead = _meter.CreateCounter<long>("sequin.replication.changes.read", "{change}", "Changes read from the replication slot and handed to the sinks.");
        _slotInvalidated = _meter.CreateCounter<long>("sequin.replication.slot.invalidated", "{event}", "Times the database stopped because PostgreSQL invalidated its slot (tag sequin.slot.invalidation_reason).");
        _meter.CreateObservableGauge("sequin.replication.lag", () => ObserveDatabases(d => d.LagBytes), "By", "WAL received from the server but not yet confirmed as delivered by every sink.");
        _meter.CreateObservableGauge("sequin.replication.lag.time", () => ObserveDatabases(d => d.LagTime.TotalSeconds), "s", "Age of the oldest change not yet delivered by every sink.");
        _meter.CreateObservableGauge("sequin.replication.connected", () => ObserveDatabases(d => d.Connected ? 1L : 0L), "1", "1 while a replication connection is streaming, else 0.");
        _meter.CreateObservableGauge("sequin.leader", () => ObserveDatabases(d => d.IsLeader ? 1L : 0L), "1", "1 while this host holds the database's leader lock and reads it, 0 while it stands by.");
        _meter.CreateObservableGauge("sequin.sink.buffered.messages", () => Observe(c => c.BufferedMessages), "{message}", "Messages held by the sink consumer.");
        _meter.CreateObservableGauge("sequin.sink.buffered.bytes", () => Observe(c => c.BufferedBytes), "By", "Estimated bytes held by the sink consumer.");
        _meter.CreateObservableGauge("sequin.sink.messages.parked", () => Observe(c => c.ParkedNow), "{message}", "Messages in the sink's parking store now (those found at start included).");
        _meter.CreateObservableGauge("sequin.sink.degraded", () => Observe(c => c.DegradedReason is null ? 0L : 1L), "1", "1 while the sink has parked messages or deliveries failing and being retried, else 0.");
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    internal void Register(SinkConsumer consumer)
    {
        lock (_lock)
        {
            _consumers.Add(consumer);
        }
    }

    internal void Unregister(SinkConsumer consumer)
    {
        lock (_lock)
        {
            _consumers.Remove(consumer);
        }
    }

    internal void Register(ReplicationStatus database)
    {
        lock (_lock)
        {
            _databases.Add(database);
        }
    }

    internal void Unregister(ReplicationStatus database)
    {
        lock (_lock)
        {
            _databases.Remove(database);
        }
    }

    internal void ChangeRead(KeyValuePair<string, object?> database) => _changesRead.Add(1, database);

    internal void SlotInvalidated(KeyValuePair<string, object?> database, string reason) =>
        _slotInvalidated.Add(1, database, new KeyValuePair<string, object?>("sequin.slot.invalidation_reason", reason));

    internal void Delivered(KeyValuePair<string, object?> sink, long count) => _delivered.Add(count, sink);

    internal void Filtered(KeyValuePair<string, object?> sink) => _filtered.Add(1, sink);

    internal void Discarded(KeyValuePair<string, object?> sink) => _discarded.Add(1, sink);

    internal void FailedAttempt(KeyValuePair<string, object?> sink, bool permanent) =>
        _failures.Add(1, sink, new KeyValuePair<string, object?>("sequin.failure.kind", permanent ? "permanent" : "retryable"));

    /// <summary>Whether anyone listens to <c>sequin.sink.delivery.latency</c> (reading the clock per message is skipped otherwise).</summary>
    internal bool DeliveryLatencyEnabled => _deliveryLatency.Enabled;

    internal void DeliveryLatency(KeyValuePair<string, object?> sink, TimeSpan latency) =>
        _deliveryLatency.Record(Math.Max(0, latency.TotalSeconds), sink);

    internal void Batch(KeyValuePair<string, object?> sink, int size, TimeSpan duration)
    {
        _batches.Add(1, sink);
        _batchSize.Record(size, sink);
        _batchDuration.Record(duration.TotalSeconds, sink);
    }

    private List<Measurement<T>> ObserveDatabases<T>(Func<ReplicationStatus, T> value)
        where T : struct
    {
        lock (_lock)
        {
            return _databases.Select(d => new Measurement<T>(value(d), d.MetricTag)).ToList();
        }
    }

    private List<Measurement<long>> Observe(Func<SinkConsumer, long> value)
    {
        lock (_lock)
        {
            return _consumers.Select(c => new Measurement<long>(value(c), c.MetricTag)).ToList();
        }
    }
}
