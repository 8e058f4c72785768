using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using Sequin.Sinks;
using Sequin.Sinks.RabbitMq.Internal;

namespace Sequin.Sinks.RabbitMq;

/// <summary>
/// Delivers <c>rabbitmq</c> batches over one connection (made on the first batch, made again after it is lost): a batch
/// takes a channel with publisher confirms of its own, publishes every message at once (persistent, <c>mandatory</c>
/// unless turned off) and awaits every confirmation together; each message's confirmation, return or the channel's
/// closing becomes its outcome. A channel is reused by later batches while it stays open, so a channel the broker
/// closed (a missing exchange) fails only the batch that used it. Each exchange is checked once (a passive declare)
/// before the first publish to it, so that a missing one fails its batch without publishes on a closing channel. Core batches, retries what is retryable with
/// backoff, parks what is permanent and disposes this.
/// </summary>
internal sealed partial class RabbitMqDelivery : ISinkDelivery
{
    private static readonly CreateChannelOptions ConfirmedChannel = new(
        publisherConfirmationsEnabled: true,
        publisherConfirmationTrackingEnabled: true,
        // Core bounds what is outstanding (batch size x concurrent batches): no throttling by the client on top.
        outstandingPublisherConfirmationsRateLimiter: null);

    private readonly RabbitMqSinkOptions _options;
    private readonly ILogger _logger;
    private readonly string _clientName;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly ConcurrentBag<IChannel> _idleChannels = [];
    private readonly ConcurrentDictionary<string, bool> _knownExchanges = new(StringComparer.Ordinal);
    private IConnection? _connection;

    private RabbitMqDelivery(RabbitMqSinkOptions options, ILogger logger, string clientName)
    {
        _options = options;
        _logger = logger;
        _clientName = clientName;
    }

    /// <summary>Creates the delivery of a configured sink; it connects on its first batch.</summary>
    /// <param name="options">The sink's validated options.</param>
    /// <param name="context">The sink's context (its name names the connection at the broker; logging).</param>
    public static RabbitMqDelivery Create(RabbitMqSinkOptions options, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        return new RabbitMqDelivery(options, context.LoggerFactory.CreateLogger<RabbitMqSink>(), "sequin " + context.Consumer.Name);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        IChannel channel;
        try
        {
            channel = await RentChannelAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RabbitMqErrors.IsRabbitMqFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            return batch.All(DeliveryOutcome.Retry(RabbitMqErrors.Describe(ex, _options)));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.TimeoutMs);
        var reusable = false;
        var exchange = batch.Messages.Count > 0 ? RabbitMqMessage.Exchange(batch.Messages[0]) : string.Empty; // a batch holds one exchange
        try
        {
            if (await CheckExchangeAsync(channel, exchange, batch, timeout.Token, cancellationToken).ConfigureAwait(false) is { } missing)
            {
                return missing;
            }

            var publishes = new Task<DeliveryOutcome>[batch.Messages.Count];
            for (var i = 0; i < publishes.Length; i++)
            {
                publishes[i] = PublishAsync(channel, batch.Messages[i], timeout.Token, cancellationToken);
            }

            var outcomes = await Task.WhenAll(publishes).ConfigureAwait(false);
            // A channel whose confirmations timed out may still receive them: not reused.
            reusable = !timeout.IsCancellationRequested && channel.IsOpen;
            if (!channel.IsOpen)
            {
                _knownExchanges.TryRemove(exchange, out _); // closed by the broker (the exchange was deleted?): check it again
            }

            return outcomes;
        }
        finally
        {
            await ReleaseChannelAsync(channel, reusable).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        while (_idleChannels.TryTake(out var channel))
        {
            await CloseQuietlyAsync(channel).ConfigureAwait(false);
        }

        if (_connection is { } connection)
        {
            await CloseQuietlyAsync(connection).ConfigureAwait(false);
        }

        _connecting.Dispose();
    }

    private async Task<DeliveryOutcome> PublishAsync(IChannel channel, RoutedMessage message, CancellationToken timeout, CancellationToken cancellationToken)
    {
        var exchange = RabbitMqMessage.Exchange(message);
        var routingKey = RabbitMqMessage.RoutingKey(message);
        try
        {
            // With confirmation tracking, this completes once the broker confirmed the message (or throws for a nack,
            // a return of a mandatory message, or the channel closing).
            await channel.BasicPublishAsync(exchange, routingKey, _options.Mandatory, RabbitMqMessage.Properties(message), message.Payload, timeout).ConfigureAwait(false);
            return DeliveryOutcome.Delivered;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (RabbitMqErrors.IsRabbitMqFailure(ex))
        {
            return RabbitMqErrors.Outcome(ex, _options, exchange, routingKey);
        }
    }

    /// <summary>
    /// Checks once per exchange, with a passive declare, that the batch's exchange exists before publishing to it; null
    /// when it does (or is the default exchange), else the batch's outcomes. A publish to a missing exchange makes the
    /// broker close the channel while the batch's later publishes are still being sent on it, and a publish on a channel
    /// the broker already closed is a connection error (504 CHANNEL_ERROR) that would interrupt every other batch in
    /// flight on the connection. A passive declare fails alone.
    /// </summary>
    private async Task<IReadOnlyList<DeliveryOutcome>?> CheckExchangeAsync(IChannel channel, string exchange, SinkBatch batch, CancellationToken timeout, CancellationToken cancellationToken)
    {
        if (exchange.Length == 0 || _knownExchanges.ContainsKey(exchange))
        {
            return null;
        }

        try
        {
            await channel.ExchangeDeclarePassiveAsync(exchange, timeout).ConfigureAwait(false);
            _knownExchanges[exchange] = true;
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (RabbitMqErrors.IsRabbitMqFailure(ex))
        {
            return batch.All(RabbitMqErrors.Outcome(ex, _options, exchange, RabbitMqMessage.RoutingKey(batch.Messages[0])));
        }
    }

    private async Task<IChannel> RentChannelAsync(CancellationToken cancellationToken)
    {
        var connection = await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
        while (_idleChannels.TryTake(out var idle))
        {
            if (idle.IsOpen)
            {
                return idle;
            }

            await CloseQuietlyAsync(idle).ConfigureAwait(false);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.TimeoutMs);
        return await connection.CreateChannelAsync(ConfirmedChannel, timeout.Token).ConfigureAwait(false);
    }

    private async Task ReleaseChannelAsync(IChannel channel, bool reusable)
    {
        if (reusable)
        {
            _idleChannels.Add(channel);
        }
        else
        {
            await CloseQuietlyAsync(channel).ConfigureAwait(false);
        }
    }

    private async Task<IConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsOpen: true } open)
        {
            return open;
        }

        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is { } existing)
            {
                if (existing.IsOpen)
                {
                    return existing;
                }

                RabbitMqSinkLog.ConnectionLost(_logger, _options.Describe(), existing.CloseReason?.ToString() ?? "closed");
                _connection = null;
                await CloseQuietlyAsync(existing).ConfigureAwait(false);
            }

            RabbitMqSinkLog.Connecting(_logger, _options.Describe(), _options.Tls, _options.Username);
            var connection = await ConnectAsync(_clientName, cancellationToken).ConfigureAwait(false);
            RabbitMqSinkLog.Connected(_logger, ServerVersion(connection), _options.Describe());
            return _connection = connection;
        }
        finally
        {
            _connecting.Release();
        }
    }

    // One attempt, bounded by timeout_ms: Core's backoff paces the retries, not the client (no automatic recovery).
    private async Task<IConnection> ConnectAsync(string clientName, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromMilliseconds(_options.TimeoutMs);
        var factory = new ConnectionFactory
        {
            HostName = _options.Host!,
            Port = _options.Port,
            VirtualHost = _options.VirtualHost,
            UserName = _options.Username,
            Password = _options.Password ?? "guest",
            ClientProvidedName = clientName,
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedConnectionTimeout = timeout,
            HandshakeContinuationTimeout = timeout,
            ContinuationTimeout = timeout,
            SocketReadTimeout = timeout,
            SocketWriteTimeout = timeout,
            Ssl = new SslOption { Enabled = _options.Tls, ServerName = _options.Host! },
        };
        return await factory.CreateConnectionAsync(cancellationToken).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    private static string ServerVersion(IConnection connection) =>
        connection.ServerProperties?.TryGetValue("version", out var version) == true && version is byte[] bytes ? Encoding.UTF8.GetString(bytes) : "?";

    private static async Task CloseQuietlyAsync(IChannel channel)
    {
        try
        {
            await channel.AbortAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (RabbitMqErrors.IsRabbitMqFailure(ex) || ex is ObjectDisposedException)
        {
            // Already closed by the broker or with its connection: nothing left to release but the object.
        }

        await channel.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task CloseQuietlyAsync(IConnection connection)
    {
        try
        {
            await connection.AbortAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (RabbitMqErrors.IsRabbitMqFailure(ex) || ex is ObjectDisposedException)
        {
            // Already closed (the broker went away): nothing left to release but the object.
        }

        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
