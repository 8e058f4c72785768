using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sequin.Sinks;
using Sequin.Sinks.Webhook.Internal;

namespace Sequin.Sinks.Webhook;

/// <summary>
/// Delivers batches to the destination's HTTP API: one <c>POST</c> per batch whose body is a JSON array of the messages'
/// payloads, and one outcome per message. Core batches (within <see cref="WebhookSink.GetLimits"/>), retries what is
/// retryable with backoff, parks what is permanent, logs failures and disposes this.
/// </summary>
/// <remarks>
/// TODO: your destination's protocol. This one assumes: <c>POST {url}/{destination}</c> with a bearer token; a 2xx
/// response whose body is either empty (all delivered) or a JSON array with one item per message,
/// <c>{"error": "...", "retryable": true|false}</c> for a refused message and anything else for a delivered one;
/// 408, 429 and 5xx retryable (with <c>Retry-After</c>); 401 and 403 retryable (fix the key and nothing is lost);
/// any other status permanent for the whole batch.
/// </remarks>
internal sealed partial class WebhookDelivery : ISinkDelivery
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client this sink asks the host for.</summary>
    public const string HttpClientName = "Sequin.Sinks.Webhook";

    private readonly WebhookSinkOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;

    /// <summary>Creates a delivery over a caller-owned <see cref="HttpClient"/> (not disposed with the delivery).</summary>
    /// <param name="options">The sink's validated options.</param>
    /// <param name="httpClient">The HTTP client (tests pass one over a fake handler).</param>
    public WebhookDelivery(WebhookSinkOptions options, HttpClient httpClient)
        : this(options, httpClient, ownsHttpClient: false)
    {
    }

    private WebhookDelivery(WebhookSinkOptions options, HttpClient httpClient, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        _options = options;
        _http = httpClient;
        _ownsHttpClient = ownsHttpClient;
    }

    /// <summary>
    /// Creates the delivery of a configured sink over the host's <see cref="IHttpClientFactory"/> (client
    /// <see cref="HttpClientName"/>) when it has one, else over an own pooled <see cref="HttpClient"/>.
    /// </summary>
    /// <param name="options">The sink's validated options.</param>
    /// <param name="context">The sink's context (services, logging, clock).</param>
    /// <returns>The delivery; Core disposes it when the sink stops.</returns>
    public static WebhookDelivery Create(WebhookSinkOptions options, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        // The host only: a URL's user info or query may hold a secret.
        WebhookSinkLog.DeliveryCreated(context.LoggerFactory.CreateLogger<WebhookSink>(), options.Url!.Host);
        if (context.Services.GetService(typeof(IHttpClientFactory)) is IHttpClientFactory factory)
        {
            return new WebhookDelivery(options, factory.CreateClient(HttpClientName), ownsHttpClient: true);
        }

#pragma warning disable CA2000 // The handler is owned by the HttpClient, which this delivery disposes.
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
#pragma warning restore CA2000
        return new WebhookDelivery(options, new HttpClient(handler, disposeHandler: true), ownsHttpClient: true);
    }

    /// <summary>Sends the batch in one request and maps the response to one outcome per message.</summary>
    /// <param name="batch">The messages, all for the same destination.</param>
    /// <param name="cancellationToken">Cancelled when the host stops without waiting.</param>
    /// <returns>One outcome per message, in order.</returns>
    public async ValueTask<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
        var url = ResourceUrl(batch.Messages[0].Route.GetRequired(WebhookSink.DestinationKey));
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonArrayOf(batch) };
        Authorize(request);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return batch.All(DeliveryOutcome.Retry($"POST {url.GetLeftPart(UriPartial.Path)} failed: {ex.Message}"));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return batch.All(DeliveryOutcome.Retry($"POST {url.GetLeftPart(UriPartial.Path)} took longer than timeout_seconds ({_options.TimeoutSeconds} s)."));
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return PerMessage(batch, body);
            }

            var error = $"POST {url.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {response.ReasonPhrase}: {Truncate(body)}";
            return batch.All(IsRetryable(response.StatusCode)
                ? DeliveryOutcome.Retry(error, response.Headers.RetryAfter?.Delta)
                : DeliveryOutcome.Permanent(error));
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_ownsHttpClient)
        {
            _http.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The URL of one destination: <c>{url}/{destination}</c>.</summary>
    private Uri ResourceUrl(string destination) =>
        new(_options.Url!.AbsoluteUri.TrimEnd('/') + "/" + Uri.EscapeDataString(destination));

    private void Authorize(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        }
    }

    /// <summary>The request body: the payloads (each already UTF-8 JSON) as one JSON array.</summary>
    private static ByteArrayContent JsonArrayOf(SinkBatch batch)
    {
        var body = new ArrayBufferWriter<byte>();
        body.Write("["u8);
        for (var i = 0; i < batch.Messages.Count; i++)
        {
            if (i > 0)
            {
                body.Write(","u8);
            }

            body.Write(batch.Messages[i].Payload.Span);
        }

        body.Write("]"u8);
        var content = new ByteArrayContent(body.WrittenSpan.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Reads per-message results from a 2xx body: an array with one item per message, or nothing (all delivered).</summary>
    private static IReadOnlyList<DeliveryOutcome> PerMessage(SinkBatch batch, string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return batch.AllDelivered();
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return batch.AllDelivered(); // a 2xx with a body that is not ours to read: the request as a whole succeeded
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return batch.AllDelivered();
            }

            if (document.RootElement.GetArrayLength() != batch.Messages.Count)
            {
                return batch.All(DeliveryOutcome.Retry($"The destination answered {document.RootElement.GetArrayLength()} results for {batch.Messages.Count} messages."));
            }

            var outcomes = new DeliveryOutcome[batch.Messages.Count];
            var i = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                outcomes[i++] = item.ValueKind == JsonValueKind.Object
                    && item.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                    ? (item.TryGetProperty("retryable", out var retryable) && retryable.ValueKind == JsonValueKind.False
                        ? DeliveryOutcome.Permanent(error.GetString()!)
                        : DeliveryOutcome.Retry(error.GetString()!))
                    : DeliveryOutcome.Delivered;
            }

            return outcomes;
        }
    }

    /// <summary>Statuses worth retrying: timeouts, throttling, server errors, and credentials (fixed in the config, nothing lost).</summary>
    private static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
        || (int)status >= 500;

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500] + "...";
}
