using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Sequin.Sinks.Nats.Internal;

namespace Sequin.Sinks.Nats;

/// <summary>
/// Delivers <c>nats</c> batches over one connection (made on the first batch, reconnected by the client): every
/// message is published at once with <c>Nats-Msg-Id</c> = its idempotency key, then each acknowledgement is awaited
/// and becomes that message's outcome. In <c>auto</c> mode a subject no stream captures (no responders) is published
/// again with core NATS. Core batches, retries what is retryable with backoff, parks what is permanent and disposes this.
/// </summary>
internal sealed class NatsDelivery : ISinkDelivery
{
    private readonly NatsSinkOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly ConcurrentDictionary<string, (bool Captured, DateTimeOffset CheckedAt)> _captures = new(StringComparer.Ordinal);
    private NatsConnection? _connection;

    private NatsDelivery(NatsSinkOptions options, ILogger logger, TimeProvider time)
    {
        _options = options;
        _logger = logger;
        _time = time;
    }

    /// <summary>How long whether a stream captures a subject is remembered (auto mode): 30 s.</summary>
    internal static TimeSpan CaptureCheckInterval { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Creates the delivery of a configured sink; it connects on its first batch.</summary>
    public static NatsDelivery Create(NatsSinkOptions options, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        return new NatsDelivery(options, context.LoggerFactory.CreateLogger<NatsSink>(), context.TimeProvider);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        NatsConnection connection;
        try
        {
            connection = await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (NatsErrors.IsNatsFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            return batch.All(DeliveryOutcome.Retry(NatsErrors.Describe(ex, _options)));
        }

        var publishes = new Task<DeliveryOutcome>[batch.Messages.Count];
        for (var i = 0; i < publishes.Length; i++)
        {
            publishes[i] = PublishAsync(connection, batch.Messages[i], cancellationToken);
        }

        return await Task.WhenAll(publishes).ConfigureAwait(false);
    }

    /// <summary>Connects afresh and reports the server's version and whether JetStream answers.</summary>
    public async Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = new NatsConnection(Opts());
            await using (connection.ConfigureAwait(false))
            {
                await connection.ConnectAsync().AsTask().WaitAsync(TimeSpan.FromMilliseconds(_options.TimeoutMs), cancellationToken).ConfigureAwait(false);
                var rtt = await connection.PingAsync(cancellationToken).ConfigureAwait(false);
                var info = connection.ServerInfo;
                var jetStream = info?.JetStreamAvailable == true ? "JetStream enabled" : "JetStream not enabled (core NATS only)";
                return ConnectionTestResult.Ok(FormattableString.Invariant(
                    $"NATS {info?.Version ?? "?"} at {_options.Describe()} answered PING in {rtt.TotalMilliseconds:F1} ms; {jetStream}."));
            }
        }
        catch (Exception ex) when (NatsErrors.IsNatsFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            return ConnectionTestResult.Failed(NatsErrors.Describe(ex, _options));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _connecting.Dispose();
    }

    private async Task<DeliveryOutcome> PublishAsync(NatsConnection connection, RoutedMessage message, CancellationToken cancellationToken)
    {
        var subject = message.Route.GetRequired(NatsSink.SubjectKey);
        var headers = NatsMessageHeaders.For(message);
        var messageId = headers[NatsMessageHeaders.MessageIdHeader].ToString();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.TimeoutMs);
        try
        {
            var context = new NatsJSContext(connection);
            if (_options.PublishMode == NatsPublishMode.Core
                || (_options.PublishMode == NatsPublishMode.Auto && !await StreamCapturesAsync(context, subject, timeout.Token).ConfigureAwait(false)))
            {
                await connection.PublishAsync(subject, message.Payload, headers, cancellationToken: timeout.Token).ConfigureAwait(false);
                return DeliveryOutcome.Delivered;
            }

            var ack = await context.PublishAsync(
                subject,
                message.Payload,
                headers: headers,
                opts: new NatsJSPubOpts { MsgId = messageId, RetryAttempts = 1 },
                cancellationToken: timeout.Token).ConfigureAwait(false);

            // A duplicate (the stream already holds this Nats-Msg-Id, from an earlier attempt) is delivered too.
            return ack.Error is { } error
                ? NatsErrors.Outcome(new NatsJSApiException(error), _options)
                : DeliveryOutcome.Delivered;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (NatsErrors.IsNoResponders(ex))
        {
            // The stream that captured the subject is gone (or was never there): look again on the retry.
            _captures.TryRemove(subject, out _);
            return DeliveryOutcome.Retry(
                $"No JetStream stream on NATS at {_options.Describe()} answered for subject '{subject}' (publish_mode: {_options.PublishMode.ToString().ToLowerInvariant()}): create a stream that captures it, or set publish_mode: auto. NATS said: {ex.Message}");
        }
        catch (Exception ex) when (NatsErrors.IsNatsFailure(ex))
        {
            return NatsErrors.Outcome(ex, _options);
        }
    }

    /// <summary>
    /// Whether a JetStream stream captures <paramref name="subject"/> (<c>$JS.API.STREAM.NAMES</c> filtered by subject;
    /// no JetStream means none), remembered for <see cref="CaptureCheckInterval"/>. Asking, rather than trying a
    /// JetStream publish, keeps a core subscriber on the subject from being mistaken for a stream.
    /// </summary>
    private async Task<bool> StreamCapturesAsync(NatsJSContext context, string subject, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_captures.TryGetValue(subject, out var known) && now - known.CheckedAt < CaptureCheckInterval)
        {
            return known.Captured;
        }

        var captured = false;
        try
        {
            await foreach (var _ in context.ListStreamNamesAsync(subject, cancellationToken).ConfigureAwait(false))
            {
                captured = true;
                break;
            }
        }
        catch (Exception ex) when (NatsErrors.IsNoResponders(ex) || ex is NatsJSApiException { Error.Code: 503 })
        {
            captured = false; // JetStream is not enabled on this server
        }

        // Said once per subject (and again if a stream that captured it went away), not at every check.
        if (!captured && (!_captures.TryGetValue(subject, out var before) || before.Captured))
        {
            NatsSinkLog.CorePublish(_logger, subject);
        }

        _captures[subject] = (captured, now);
        return captured;
    }

    private async Task<NatsConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } existing)
        {
            return existing;
        }

        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is { } raced)
            {
                return raced;
            }

            NatsSinkLog.Connecting(_logger, _options.Describe(), _options.Tls, _options.Username ?? "none", _options.PublishMode.ToString());
            var connection = new NatsConnection(Opts());
            try
            {
                await connection.ConnectAsync().AsTask().WaitAsync(TimeSpan.FromMilliseconds(_options.TimeoutMs), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Not kept: the next batch connects afresh (the client only reconnects a connection that once succeeded).
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return _connection = connection;
        }
        finally
        {
            _connecting.Release();
        }
    }

    private NatsOpts Opts() => NatsOpts.Default with
    {
        Url = $"{(_options.Tls ? "tls" : "nats")}://{_options.Host}:{_options.Port}",
        Name = "sequin",
        AuthOpts = _options.Username is { Length: > 0 } user ? NatsAuthOpts.Default with { Username = user, Password = _options.Password } : NatsAuthOpts.Default,
        TlsOpts = _options.Tls ? NatsTlsOpts.Default with { Mode = TlsMode.Require } : NatsTlsOpts.Default,
        ConnectTimeout = TimeSpan.FromMilliseconds(_options.TimeoutMs),
        RequestTimeout = TimeSpan.FromMilliseconds(_options.TimeoutMs),
        CommandTimeout = TimeSpan.FromMilliseconds(_options.TimeoutMs),
        // One initial attempt per batch: Core's backoff paces the retries, not the client.
        RetryOnInitialConnect = false,
    };
}
