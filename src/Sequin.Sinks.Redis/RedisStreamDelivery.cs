using Microsoft.Extensions.Logging;
using Sequin.Sinks.Redis.Internal;
using StackExchange.Redis;

namespace Sequin.Sinks.Redis;

/// <summary>
/// Delivers <c>redis_stream</c> batches: one <c>XADD stream * field value …</c> per message (with <c>MAXLEN</c> when
/// <c>max_len</c> is set), all in one pipelined round trip, each reply becoming that message's outcome. A message that is
/// not a JSON object (a transform's string, say) fails permanently without being sent.
/// </summary>
internal sealed class RedisStreamDelivery : ISinkDelivery
{
    private readonly RedisStreamSinkOptions _options;
    private readonly RedisConnection _connection;

    private RedisStreamDelivery(RedisStreamSinkOptions options, RedisConnection connection)
    {
        _options = options;
        _connection = connection;
    }

    /// <summary>Creates the delivery of a configured sink; it connects on its first batch.</summary>
    public static RedisStreamDelivery Create(RedisStreamSinkOptions options, string typeName, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        return new RedisStreamDelivery(options, new RedisConnection(options, typeName, context.LoggerFactory.CreateLogger<RedisStreamSink>()));
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var outcomes = new DeliveryOutcome[batch.Messages.Count];
        var entries = new NameValueEntry[]?[outcomes.Length];
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (RedisStreamEntry.TryGetFields(batch.Messages[i].Payload, out var fields, out var error))
            {
                entries[i] = fields;
            }
            else
            {
                outcomes[i] = DeliveryOutcome.Permanent(error!);
            }
        }

        IDatabase database;
        try
        {
            database = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisSinkException ex)
        {
            var failed = ex.IsRetryable ? DeliveryOutcome.Retry(ex.Message) : DeliveryOutcome.Permanent(ex.Message);
            for (var i = 0; i < outcomes.Length; i++)
            {
                outcomes[i] = entries[i] is null ? outcomes[i] : failed;
            }

            return outcomes;
        }

        var pipeline = database.CreateBatch();
        var replies = new Task?[outcomes.Length];
        for (var i = 0; i < replies.Length; i++)
        {
            if (entries[i] is { } fields)
            {
                replies[i] = pipeline.StreamAddAsync(
                    batch.Messages[i].Route.GetRequired(RedisStreamSink.StreamKeyKey),
                    fields,
                    maxLength: _options.MaxLen,
                    useApproximateMaxLength: !_options.MaxLenExact);
            }
        }

        pipeline.Execute();
        var sent = await RedisReplies.OutcomesAsync(replies, _options, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (replies[i] is not null)
            {
                outcomes[i] = sent[i];
            }
        }

        return outcomes;
    }

    /// <summary>Connects afresh, <c>PING</c>s the database and reads the server's version.</summary>
    public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken) => _connection.TestAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
