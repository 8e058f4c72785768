using System.Globalization;

namespace Sequin.Sinks.Sdk;

/// <summary>
/// The pipeline of a <see cref="Sink{TOptions}"/>: batching from its <see cref="SinkLimits"/> (the batch key joins the
/// <see cref="SinkLimits.BatchBy"/> route values), messages over <see cref="SinkLimits.MaxMessageBytes"/> failed
/// permanently before the sink sees them, and the sink's outcomes checked and normalised.
/// </summary>
internal sealed class DeliveryPipeline : ISinkPipeline
{
    private const string SingleBatchKey = "";
    private readonly ISinkDelivery _delivery;
    private readonly SinkLimits _limits;
    private readonly string _typeName;
    private readonly int[] _batchBy;

    public DeliveryPipeline(DeliveryClient client, IReadOnlyList<RoutableKey> keys, string typeName)
    {
        _delivery = client.Delivery;
        _limits = client.Limits;
        _typeName = typeName;
        _batchBy = [.. _limits.BatchBy.Select(name => IndexOf(keys, name))];
        Batching = new BatchingOptions
        {
            MaxMessages = _limits.DefaultBatchMessages,
            MaxMessagesLimit = _limits.MaxBatchMessages,
            MaxBytes = _limits.MaxBatchBytes,
            Linger = _limits.DefaultLinger,
            MaxConcurrentBatches = _limits.MaxConcurrentBatches,
        };
    }

    public BatchingOptions Batching { get; }

    public string GetBatchKey(RoutedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _batchBy.Length switch
        {
            0 => SingleBatchKey,
            1 => message.Route[_batchBy[0]] ?? string.Empty,
            _ => JoinedBatchKey(message.Route),
        };
    }

    // Its own method: a lambda capturing the parameter in GetBatchKey would allocate a closure on every call.
    private string JoinedBatchKey(Route route) => string.Join('\u001f', _batchBy.Select(i => route[i]));

    public async ValueTask<BatchResult> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var messages = batch.Messages;
        DeliveryOutcome[]? refused = null;
        if (_limits.MaxMessageBytes is { } max)
        {
            for (var i = 0; i < messages.Count; i++)
            {
                if (messages[i].Payload.Length > max)
                {
                    refused ??= new DeliveryOutcome[messages.Count];
                    refused[i] = DeliveryOutcome.Reject(string.Create(
                        CultureInfo.InvariantCulture,
                        $"Message of {messages[i].Payload.Length} bytes exceeds the {_typeName} sink's limit of {max} bytes; it was not sent and is not retried (shrink it with a transform function, then retry it with 'sequin messages retry')."));
                }
            }
        }

        if (refused is null)
        {
            return Normalise(await _delivery.DeliverAsync(batch, cancellationToken).ConfigureAwait(false), messages.Count);
        }

        // The sink gets the messages that fit; their outcomes go back to their places.
        var sent = new List<int>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            if (refused[i].IsDelivered)
            {
                sent.Add(i);
            }
        }

        if (sent.Count > 0)
        {
            var outcomes = await _delivery.DeliverAsync(batch with { Messages = [.. sent.Select(i => messages[i])] }, cancellationToken).ConfigureAwait(false);
            Check(outcomes, sent.Count);
            for (var j = 0; j < sent.Count; j++)
            {
                refused[sent[j]] = outcomes[j];
            }
        }

        return BatchResult.PerMessage(refused);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask; // the client owns the delivery

    private BatchResult Normalise(IReadOnlyList<DeliveryOutcome> outcomes, int count)
    {
        Check(outcomes, count);
        if (outcomes is AllDeliveredOutcomes)
        {
            return BatchResult.AllDelivered;
        }

        for (var i = 0; i < outcomes.Count; i++)
        {
            if (!outcomes[i].IsDelivered)
            {
                return BatchResult.PerMessage([.. outcomes]);
            }
        }

        return BatchResult.AllDelivered;
    }

    private void Check(IReadOnlyList<DeliveryOutcome>? outcomes, int count)
    {
        if (outcomes is null || outcomes.Count != count)
        {
            throw new InvalidOperationException($"The {_typeName} sink returned {outcomes?.Count.ToString(CultureInfo.InvariantCulture) ?? "no"} outcomes for a batch of {count} messages.");
        }
    }

    private static int IndexOf(IReadOnlyList<RoutableKey> keys, string name)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            if (string.Equals(keys[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"SinkLimits.BatchBy names '{name}', which is not one of the sink's route keys ({string.Join(", ", keys.Select(k => k.Name))}).");
    }
}
