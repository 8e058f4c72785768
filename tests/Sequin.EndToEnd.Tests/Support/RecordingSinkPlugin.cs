using System.Collections.Concurrent;
using System.Text.Json;
using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.EndToEnd.Tests.Support;

/// <summary>One delivery attempt of one message, as the recording sink saw it.</summary>
public sealed record RecordedAttempt(string Table, int Id, string Action, string IdempotencyKey, int Attempt, DateTimeOffset At, bool Delivered);

/// <summary>
/// A sink for in-process runtime tests (<c>type: recording</c>): asks <see cref="Behaviour"/> for the outcome of each
/// message (default: delivered) and records every attempt. <see cref="DeliveryDelay"/> makes it slower than the WAL.
/// Written on the runtime's own contracts (not <see cref="Sink{TOptions}"/>) so that a test can hand the runtime a
/// batch key it cannot use (<see cref="BatchKeyOf"/>).
/// </summary>
public sealed class RecordingSinkPlugin : ISinkPlugin
{
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    public ConcurrentQueue<RecordedAttempt> Attempts { get; } = new();

    /// <summary>The messages delivered, in delivery order (per group: commit order), when <see cref="KeepMessages"/> is on.</summary>
    public ConcurrentQueue<ChangeMessage> DeliveredMessages { get; } = new();

    /// <summary>The payload (UTF-8 JSON) of every delivered attempt, in delivery order.</summary>
    public ConcurrentQueue<string> DeliveredPayloads { get; } = new();

    /// <summary>Keep every delivered message in <see cref="DeliveredMessages"/> (and skip parsing payloads for the attempt records).</summary>
    public bool KeepMessages { get; set; }

    /// <summary>Decides an attempt's outcome from (table, id, action, attempt number starting at 1).</summary>
    public Func<string, int, string, int, DeliveryOutcome> Behaviour { get; set; } = (_, _, _, _) => DeliveryOutcome.Delivered;

    /// <summary>Awaited once per batch before answering.</summary>
    public TimeSpan DeliveryDelay { get; set; }

    public int BatchSize { get; set; } = 50;

    /// <summary>The batch key of a message; null for one batch key ("all"). Lets a test return a key the runtime cannot use.</summary>
    public Func<RoutedMessage, string>? BatchKeyOf { get; set; }

    /// <summary>The sink type name (<c>type:</c> in sequin.yaml); two plugins with two names make two independent sinks.</summary>
    public string TypeName { get; init; } = "recording";

    public string Description => "Records deliveries, for tests.";

    public ISinkSchema Schema { get; } = new RecordingSinkSchema();

    public IRoutedConsumer Routing { get; } = new RecordingRoutedConsumer();

    public IEnumerable<RecordedAttempt> Delivered => Attempts.Where(a => a.Delivered);

    public ISinkClient CreateClient(object options, SinkContext context) => new RecordingSinkClient();

    public ISinkPipeline CreatePipeline(object options, ISinkClient client, SinkContext context) =>
        new RecordingSinkPipeline(this, context.TimeProvider);

    private DeliveryOutcome Attempt(RoutedMessage message, DateTimeOffset at)
    {
        if (KeepMessages)
        {
            DeliveredMessages.Enqueue(message.Message);
            return DeliveryOutcome.Delivered;
        }

        using var json = JsonDocument.Parse(message.Payload);
        var record = json.RootElement.GetProperty("record");
        var id = record.TryGetProperty("id", out var idValue) ? idValue.GetInt32() : 0;
        var action = message.Message.Action.ToWireName();
        var key = message.Message.IdempotencyKey;
        var attempt = _attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
        var outcome = Behaviour(message.Message.Relation.Table, id, action, attempt);
        Attempts.Enqueue(new RecordedAttempt(message.Message.Relation.Table, id, action, key, attempt, at, outcome.Status == DeliveryStatus.Delivered));
        if (outcome.Status == DeliveryStatus.Delivered)
        {
            DeliveredPayloads.Enqueue(System.Text.Encoding.UTF8.GetString(message.Payload.Span));
        }

        return outcome;
    }

    private sealed class RecordingSinkPipeline(RecordingSinkPlugin plugin, TimeProvider time) : ISinkPipeline
    {
        public BatchingOptions Batching { get; } = new() { MaxMessages = plugin.BatchSize, Linger = TimeSpan.FromMilliseconds(2), MaxConcurrentBatches = 4 };

        public string GetBatchKey(RoutedMessage message) => plugin.BatchKeyOf is { } keyOf ? keyOf(message) : "all";

        public async ValueTask<BatchResult> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
        {
            if (plugin.DeliveryDelay > TimeSpan.Zero)
            {
                await Task.Delay(plugin.DeliveryDelay, time, cancellationToken);
            }

            var now = time.GetUtcNow();
            return BatchResult.PerMessage([.. batch.Messages.Select(m => plugin.Attempt(m, now))]);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class RecordingSinkSchema : SinkSchema<RecordingSinkOptions>
    {
        public RecordingSinkSchema()
        {
            AddString(new SinkField("label", SinkFieldType.Text, "A label."), o => o.Label, (o, v) => o.Label = v);
        }
    }

    private sealed class RecordingRoutedConsumer : IRoutedConsumer
    {
        public IReadOnlyList<RoutableKey> Keys { get; } = [];

        public string DefaultRoutingFunction => "function route(action, record, changes, metadata) {\n  return {};\n}\n";

        public void ApplyDefaultRoute(ChangeMessage message, Route route)
        {
        }

        public void ApplyStaticRoute(object sinkOptions, Route route)
        {
        }

        public string? Validate(Route route) => null;
    }
}

public sealed class RecordingSinkOptions
{
    public string? Label { get; set; }
}

public sealed class RecordingSinkClient : ISinkClient
{
    public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken) => Task.FromResult(ConnectionTestResult.Ok("recording"));

    public Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken) => Task.FromResult(ConnectionTestResult.Ok("recording"));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
