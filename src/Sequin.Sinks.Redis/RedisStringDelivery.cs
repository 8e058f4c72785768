using Microsoft.Extensions.Logging;
using Sequin.Sinks.Redis.Internal;
using StackExchange.Redis;

namespace Sequin.Sinks.Redis;

/// <summary>
/// Delivers <c>redis_string</c> batches: every message's <c>SET</c> or <c>DEL</c> goes out in one pipelined round trip
/// (a StackExchange.Redis batch), and each command's reply becomes that message's outcome. Core batches, retries what
/// is retryable with backoff, parks what is permanent, logs failures and disposes this.
/// </summary>
internal sealed class RedisStringDelivery : ISinkDelivery
{
    private readonly RedisStringSinkOptions _options;
    private readonly RedisConnection _connection;

    private RedisStringDelivery(RedisStringSinkOptions options, RedisConnection connection)
    {
        _options = options;
        _connection = connection;
    }

    /// <summary>Creates the delivery of a configured sink; it connects on its first batch.</summary>
    public static RedisStringDelivery Create(RedisStringSinkOptions options, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        return new RedisStringDelivery(options, new RedisConnection(options, "redis_string", context.LoggerFactory.CreateLogger<RedisStringSink>()));
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        IDatabase database;
        try
        {
            database = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisSinkException ex)
        {
            return batch.All(ex.IsRetryable ? DeliveryOutcome.Retry(ex.Message) : DeliveryOutcome.Permanent(ex.Message));
        }

        var pipeline = database.CreateBatch();
        var replies = new Task[batch.Messages.Count];
        for (var i = 0; i < replies.Length; i++)
        {
            var command = RedisStringCommand.For(batch.Messages[i], _options.ExpireMs);
            replies[i] = command.IsDelete
                ? pipeline.KeyDeleteAsync(command.Key)
                : command.Expiry is { } expiry
                    ? pipeline.StringSetAsync(command.Key, command.Value, expiry)
                    : pipeline.StringSetAsync(command.Key, command.Value);
        }

        pipeline.Execute();
        return await RedisReplies.OutcomesAsync(replies, _options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Connects afresh, <c>PING</c>s the database and reads the server's version.</summary>
    public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken) => _connection.TestAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
