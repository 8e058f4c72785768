using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Sequin.Sinks;
using Sequin.Sinks.Webhook.Internal;

namespace Sequin.Sinks.Webhook;

/// <summary>
/// Delivers to the endpoint: with <c>batch: true</c> one request per batch, body <c>{"data":[message, ...]}</c>; with
/// <c>batch: false</c> one request per message, body = the message (the messages of one batch are of different rows,
/// so they go out together). 2xx is delivered; 408, 429, 5xx, timeouts (<c>ack_wait_ms</c>) and network errors are
/// retried (with <c>Retry-After</c> when the endpoint sends one); any other status is permanent (parked). Core batches
/// (within <see cref="WebhookSink.GetLimits"/>), retries with backoff, parks, logs failures and disposes this.
/// </summary>
internal sealed partial class WebhookDelivery : ISinkDelivery
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly WebhookSinkOptions _options;
    private readonly HttpClient _http;
    private readonly WebhookTls _tls;
    private readonly Uri _baseUri;
    private readonly AuthenticationHeaderValue? _basic;
    private readonly byte[]? _signingSecret;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;

    private WebhookDelivery(WebhookSinkOptions options, HttpClient http, WebhookTls tls, TimeProvider time)
    {
        _options = options;
        _http = http;
        _tls = tls;
        _time = time;
        _baseUri = WebhookAddress.BaseUri(options) ?? throw new ArgumentException("The options have no endpoint address.", nameof(options));
        _basic = WebhookAddress.UserInfo(options) is { } userInfo
            ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userInfo)))
            : null;
        _signingSecret = options.SigningSecret is { } secret ? Encoding.UTF8.GetBytes(secret) : null;
        _timeout = TimeSpan.FromMilliseconds(options.AckWaitMs);
    }

    /// <summary>
    /// Creates the delivery of a configured sink: its own <see cref="SocketsHttpHandler"/> (keep-alive, at most
    /// <c>max_connections</c> connections, the certificate checked as <see cref="WebhookTls"/> says).
    /// </summary>
    public static WebhookDelivery Create(WebhookSinkOptions options, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        var logger = context.LoggerFactory.CreateLogger<WebhookSink>();
        var tls = new WebhookTls(options);
        var baseUri = WebhookAddress.BaseUri(options)!;
        // Scheme, host and port only: a URL's path or query may hold a token.
        WebhookSinkLog.DeliveryCreated(logger, context.Consumer.Name, baseUri.GetLeftPart(UriPartial.Authority), options.Batch, options.MaxConnections);
        if (options.TlsSkipVerify)
        {
            WebhookSinkLog.TlsVerificationSkipped(logger, context.Consumer.Name, baseUri.GetLeftPart(UriPartial.Authority));
        }

#pragma warning disable CA2000 // The handler is owned by the HttpClient, which this delivery disposes.
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.MaxConnections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            ConnectTimeout = TimeSpan.FromMilliseconds(Math.Min(options.AckWaitMs, 30_000)),
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
        };
#pragma warning restore CA2000
        if (tls.Callback is { } callback)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = callback;
        }

        var http = new HttpClient(handler, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan, // ack_wait_ms, per request
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        return new WebhookDelivery(options, http, tls, context.TimeProvider);
    }

    /// <summary>Sends the batch: one request, or one per message; returns one outcome per message, in order.</summary>
    public async ValueTask<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var route = batch.Messages[0].Route;
        var method = HttpMethod.Parse(route.GetRequired(WebhookSink.MethodKey));
        var uri = WebhookAddress.RequestUri(_baseUri, route[WebhookSink.EndpointPathKey] ?? string.Empty);
        var headers = WebhookHeaders.Merge(_options, route[WebhookSink.HeadersKey]);
        if (_options.Batch)
        {
            var outcome = await SendAsync(method, uri, headers, WebhookBody.Batch(batch.Messages), IdempotencyKeyOf(batch.Messages), cancellationToken).ConfigureAwait(false);
            return outcome.IsDelivered ? batch.AllDelivered() : batch.All(outcome);
        }

        var sends = new Task<DeliveryOutcome>[batch.Messages.Count];
        for (var i = 0; i < sends.Length; i++)
        {
            var message = batch.Messages[i];
            sends[i] = SendAsync(method, uri, headers, message.Payload, message.Message.IdempotencyKey, cancellationToken);
        }

        return await Task.WhenAll(sends).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        _tls.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A batch's idempotency key: the message's own for one message, else a digest of the messages' keys in order.</summary>
    private static string IdempotencyKeyOf(IReadOnlyList<RoutedMessage> messages)
    {
        if (messages.Count == 1)
        {
            return messages[0].Message.IdempotencyKey;
        }

        var keys = string.Join('\n', messages.Select(m => m.Message.IdempotencyKey));
        return "batch-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(keys)))[..32];
    }

    private async Task<DeliveryOutcome> SendAsync(HttpMethod method, Uri uri, Dictionary<string, string> headers, ReadOnlyMemory<byte> body, string idempotencyKey, CancellationToken cancellationToken)
    {
        var gzip = headers.TryGetValue("Content-Encoding", out var encoding) && encoding.Contains("gzip", StringComparison.OrdinalIgnoreCase);
        var bytes = gzip ? WebhookBody.Gzip(body) : body;
        using var request = new HttpRequestMessage(method, uri) { Content = new ReadOnlyMemoryContent(bytes) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Authorization = _basic;
        request.Headers.TryAddWithoutValidation(WebhookSink.IdempotencyKeyHeader, idempotencyKey);
        foreach (var (name, value) in headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (_signingSecret is not null)
        {
            request.Headers.TryAddWithoutValidation(WebhookSink.SignatureHeader, WebhookSignature.Header(_signingSecret, _time.GetUtcNow().ToUnixTimeSeconds(), bytes.Span));
        }

        var where = WebhookAddress.Describe(method, uri);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return DeliveryOutcome.Delivered;
            }

            var text = await ReadSomeAsync(response, timeout.Token).ConfigureAwait(false);
            var error = string.Create(CultureInfo.InvariantCulture, $"{where} answered {(int)response.StatusCode} {response.ReasonPhrase}: {text}");
            return IsRetryable(response.StatusCode)
                ? DeliveryOutcome.Retry(error, RetryAfter(response))
                : DeliveryOutcome.Permanent(error);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryOutcome.Retry(string.Create(CultureInfo.InvariantCulture, $"{where} did not answer within ack_wait_ms ({_options.AckWaitMs} ms)."));
        }
        catch (HttpRequestException ex)
        {
            return DeliveryOutcome.Retry($"{where} failed: {Describe(ex)}");
        }
    }

    /// <summary>408, 429 and 5xx: the endpoint may take the same request later.</summary>
    internal static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        if (retryAfter.Delta is { } delta)
        {
            return delta;
        }

        return retryAfter.Date is { } date && date - _time.GetUtcNow() is { Ticks: > 0 } wait ? wait : TimeSpan.Zero;
    }

    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return text.Length <= 300 ? text : text[..300] + "...";
        }
        catch (HttpRequestException)
        {
            return "(no body)";
        }
    }

    /// <summary>An HTTP error's reason, with the innermost cause (refused, reset, certificate).</summary>
    internal static string Describe(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return ReferenceEquals(inner, ex) ? ex.Message : $"{ex.Message} ({inner.Message})";
    }
}
