using System.Diagnostics;
using Sequin.Messages;
using Sequin.Sinks;

[assembly: SequinSinkPlugin(typeof(Sequin.Benchmarks.NullSink.NullSinkPlugin))]

namespace Sequin.Benchmarks.NullSink;

/// <summary>
/// The <c>null</c> sink: acknowledges every batch at once without sending it anywhere. It has one routable key,
/// <c>destination</c>, so that static and dynamic routing can be compared. When <see cref="LatencyRecorder.Active"/>
/// is set, it records, per message, the time from <c>metadata.commit_timestamp</c> to the batch's acknowledgement.
/// </summary>
public sealed class NullSinkPlugin : Sink<NullSinkOptions>
{
    /// <inheritdoc />
    public override string TypeName => "null";

    /// <inheritdoc />
    public override string Description => "Discards every message (benchmarks).";

    /// <inheritdoc />
    public override IReadOnlyList<RoutableKey> RouteKeys { get; } =
    [
        new RoutableKey("destination", "Where the message (nominally) goes.") { Required = true, MaxLength = 255, AllowWhitespace = false },
        new RoutableKey("message_key", "A message key.") { MaxLength = 255, AllowWhitespace = false },
    ];

    /// <inheritdoc />
    public override string DefaultRoutingFunction =>
        "function route(action, record, changes, metadata) { return { destination: 'sequin.' + metadata.table_schema + '.' + metadata.table_name }; }";

    /// <inheritdoc />
    public override SinkLimits GetLimits(NullSinkOptions options) => new() { MaxConcurrentBatches = options.MaxConcurrentBatches, BatchBy = ["destination"] };

    /// <inheritdoc />
    public override void ApplyDefaultRoute(ChangeMessage message, Route route) => route["destination"] = "sequin." + message.Relation.QualifiedName;

    /// <inheritdoc />
    public override ISinkDelivery CreateDelivery(NullSinkOptions options, SinkContext context) => new NullDelivery();
}

/// <summary>The <c>destination:</c> section of a <c>null</c> sink.</summary>
public sealed class NullSinkOptions
{
    /// <summary>The static destination name (static routing).</summary>
    [SinkOption("The destination name every message is routed to (static routing).", Routable = true, MaxLength = 255)]
    public string? Destination { get; set; }

    /// <summary>The most batches in flight at once (the Core default, 16, unless set).</summary>
    [SinkOption("The most batches in flight at once.", Minimum = 1, Maximum = 1000)]
    public int MaxConcurrentBatches { get; set; } = 16;
}

/// <summary>Acknowledges every batch at once; records latencies while <see cref="LatencyRecorder.Active"/>.</summary>
internal sealed class NullDelivery : ISinkDelivery
{
    /// <inheritdoc />
    public ValueTask<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (LatencyRecorder.Active)
        {
            LatencyRecorder.Record(batch.Messages);
        }

        return ValueTask.FromResult(batch.AllDelivered());
    }

    /// <inheritdoc />
    public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken) =>
        Task.FromResult(ConnectionTestResult.Ok("Discards everything."));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Collects commit-to-acknowledgement latencies (µs) while active; thread-safe, fixed capacity.</summary>
public static class LatencyRecorder
{
    private static long[] _samples = [];
    private static int _count;

    /// <summary>Whether deliveries are being recorded.</summary>
    public static bool Active { get; private set; }

    /// <summary>Starts recording up to <paramref name="capacity"/> samples (older ones are discarded).</summary>
    public static void Start(int capacity)
    {
        _samples = new long[capacity];
        Volatile.Write(ref _count, 0);
        Active = true;
    }

    /// <summary>Stops recording and returns the samples, in microseconds.</summary>
    public static long[] Stop()
    {
        Active = false;
        var n = Math.Min(Volatile.Read(ref _count), _samples.Length);
        return _samples[..n];
    }

    internal static void Record(IReadOnlyList<RoutedMessage> messages)
    {
        var now = DateTimeOffset.UtcNow;
        var samples = _samples;
        for (var i = 0; i < messages.Count; i++)
        {
            var index = Interlocked.Increment(ref _count) - 1;
            if (index >= samples.Length)
            {
                return;
            }

            samples[index] = (long)(now - messages[i].Message.CommitTimestamp).TotalMicroseconds;
        }
    }
}
