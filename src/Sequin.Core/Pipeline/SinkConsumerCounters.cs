using Sequin.Diagnostics;

namespace Sequin.Pipeline;

/// <summary>
/// What one sink consumer has done, counted: the consumer's public counts read these, and each event also feeds the
/// shared <c>Sequin.Core</c> meter under the sink's name, so the delivery code reports an event with one call.
/// </summary>
/// <param name="metrics">The shared meter.</param>
/// <param name="sinkName">The sink's name, the <c>sequin.sink.name</c> tag of every measurement.</param>
internal sealed class SinkConsumerCounters(SequinMetrics metrics, string sinkName)
{
    private long _delivered;
    private long _deliveredBatches;
    private long _failedAttempts;
    private long _permanentFailures;
    private long _discarded;
    private long _filtered;
    private long _parked;
    private long _unparked;
    private long _failingSinceTicks;

    /// <summary>The tag of the sink's measurements.</summary>
    public KeyValuePair<string, object?> MetricTag { get; } = new("sequin.sink.name", sinkName);

    /// <summary>Messages the sink accepted, parked ones delivered later included.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Batches handed to the sink that returned (whatever their outcomes).</summary>
    public long DeliveredBatches => Interlocked.Read(ref _deliveredBatches);

    /// <summary>Failed attempts, of processing or delivery.</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    /// <summary>The failed delivery attempts whose outcome was permanent (also in <see cref="FailedAttempts"/>).</summary>
    public long PermanentFailures => Interlocked.Read(ref _permanentFailures);

    /// <summary>Messages discarded after their last allowed attempt.</summary>
    public long Discarded => Interlocked.Read(ref _discarded);

    /// <summary>Messages the filter function dropped, parked ones filtered later included.</summary>
    public long Filtered => Interlocked.Read(ref _filtered);

    /// <summary>Messages written to the parking store.</summary>
    public long Parked => Interlocked.Read(ref _parked);

    /// <summary>Parked messages delivered (or filtered) and removed from the store.</summary>
    public long Unparked => Interlocked.Read(ref _unparked);

    /// <summary>
    /// How long the sink has been failing without delivering anything: since the first failed attempt after the last
    /// delivered batch; null while the last outcome was a delivery (or nothing has failed).
    /// </summary>
    public TimeSpan? FailingFor
    {
        get
        {
            var since = Volatile.Read(ref _failingSinceTicks);
            return since == 0 ? null : TimeSpan.FromMilliseconds(Environment.TickCount64 - since);
        }
    }

    /// <summary>A message was delivered.</summary>
    public void OnDelivered() => Interlocked.Increment(ref _delivered);

    /// <summary>The filter function dropped a message.</summary>
    public void OnFiltered()
    {
        Interlocked.Increment(ref _filtered);
        metrics.Filtered(MetricTag);
    }

    /// <summary>A message was discarded.</summary>
    public void OnDiscarded()
    {
        Interlocked.Increment(ref _discarded);
        metrics.Discarded(MetricTag);
    }

    /// <summary>A message was parked.</summary>
    public void OnParked() => Interlocked.Increment(ref _parked);

    /// <summary>
    /// Counts the messages found in the parking store at start as parked, so that parked minus unparked is what the store
    /// holds (without it, a restart with parked messages showed a negative count as they were delivered).
    /// </summary>
    public void SeedParked(long stored) => Interlocked.Add(ref _parked, stored);

    /// <summary>A parked message was delivered, or filtered, and removed from the store.</summary>
    public void OnUnparked(bool filtered)
    {
        Interlocked.Increment(ref _unparked);
        if (filtered)
        {
            OnFiltered();
        }
        else
        {
            OnDelivered();
        }
    }

    /// <summary>
    /// <paramref name="count"/> parked messages were removed from the store from outside (an operator's discard through
    /// the API, the console or <c>sequin messages discard</c>): they count as unparked and discarded, so that the parked
    /// figure falls back to what the store holds.
    /// </summary>
    public void OnRemovedFromParking(long count)
    {
        Interlocked.Add(ref _unparked, count);
        Interlocked.Add(ref _discarded, count);
    }

    /// <summary>
    /// Counts the discard records found in the store at start (kept for <c>discarded_retention</c>) as discarded, so that
    /// the figure does not fall to 0 on each restart. The metric counter is not seeded (it counts this process's discards).
    /// </summary>
    public void SeedDiscarded(long stored) => Interlocked.Add(ref _discarded, stored);

    /// <summary>An attempt failed; <paramref name="permanent"/> when the destination said retrying would not help.</summary>
    public void OnFailedAttempt(bool permanent)
    {
        Interlocked.Increment(ref _failedAttempts);
        if (permanent)
        {
            Interlocked.Increment(ref _permanentFailures);
        }

        Interlocked.CompareExchange(ref _failingSinceTicks, Environment.TickCount64, 0);
        metrics.FailedAttempt(MetricTag, permanent);
    }

    /// <summary>The sink returned a batch of <paramref name="messages"/> after <paramref name="duration"/>.</summary>
    public void OnBatchReturned(int messages, TimeSpan duration) => metrics.Batch(MetricTag, messages, duration);

    /// <summary>A partition settled a returned batch of <paramref name="count"/> messages, <paramref name="failed"/> of them failed.</summary>
    public void OnBatchCompleted(int count, int failed)
    {
        Interlocked.Increment(ref _deliveredBatches);
        if (count > failed)
        {
            Volatile.Write(ref _failingSinceTicks, 0);
            metrics.Delivered(MetricTag, count - failed);
        }
    }
}
