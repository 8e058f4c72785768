using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Sequin.Sinks;

namespace SinkPrefix.Webhook;

/// <summary>
/// The default <see cref="IWebhookClient"/>. TODO: replace the body of each method with a call of your library's client
/// (build it in the constructor from the options, dispose it in <see cref="DisposeAsync"/>) and map the library's
/// exceptions to <see cref="WebhookClientException"/> (retryable or not). Until then it speaks a small HTTP protocol
/// so that the generated sink runs end to end: <c>POST {url}/{destination}</c> with a JSON array of the payloads and a
/// bearer token; a 2xx answer with an empty body (all delivered) or one <c>{"error", "retryable"}</c> item per payload.
/// </summary>
internal sealed class WebhookClient : IWebhookClient
{
    private readonly WebhookSinkOptions _options;
    private readonly HttpClient _http;

    /// <summary>Creates the client of one sink.</summary>
    /// <param name="options">The sink's validated options.</param>
    public WebhookClient(WebhookSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds) };
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeliveryOutcome>> SendBatchAsync(string? destination, IReadOnlyList<RoutedMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var body = new MemoryStream();
        await using (body.ConfigureAwait(false))
        {
            body.WriteByte((byte)'[');
            for (var i = 0; i < messages.Count; i++)
            {
                if (i > 0)
                {
                    body.WriteByte((byte)',');
                }

                body.Write(messages[i].Payload.Span);
            }

            body.WriteByte((byte)']');
            using var content = new ByteArrayContent(body.ToArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await SendAsync(HttpMethod.Post, destination, content, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var retryable = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                    || (int)response.StatusCode >= 500;
                throw new WebhookClientException($"The destination answered {(int)response.StatusCode} {response.ReasonPhrase}.", retryable);
            }

            return Results(text, messages.Count);
        }
    }

    /// <inheritdoc />
    public async Task CheckDestinationAsync(string? destination, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, destination, null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new WebhookClientException($"{Describe(destination)} answered {(int)response.StatusCode} {response.ReasonPhrase}.", isRetryable: false);
        }
    }

    /// <inheritdoc />
    public async Task CheckCredentialsAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, null, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new WebhookClientException($"The destination refused the api_key ({(int)response.StatusCode}).", isRetryable: false);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string? destination, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Url(destination)) { Content = content };
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        }

        try
        {
            return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new WebhookClientException($"{Describe(destination)} cannot be reached: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WebhookClientException($"{Describe(destination)} did not answer within timeout_seconds ({_options.TimeoutSeconds} s).", ex);
        }
    }

    private Uri Url(string? destination) => destination is null
        ? _options.Url!
        : new Uri(_options.Url!.AbsoluteUri.TrimEnd('/') + "/" + Uri.EscapeDataString(destination));

    private static string Describe(string? destination) => destination is null ? "The destination" : $"Destination '{destination}'";

    private static DeliveryOutcome[] Results(string body, int count)
    {
        var results = new DeliveryOutcome[count]; // default: Delivered
        if (string.IsNullOrWhiteSpace(body))
        {
            return results; // all delivered
        }

        using var document = JsonDocument.Parse(body);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            return results;
        }

        if (document.RootElement.GetArrayLength() != count)
        {
            throw new WebhookClientException($"The destination answered {document.RootElement.GetArrayLength()} results for {count} messages.");
        }

        var i = 0;
        foreach (var item in document.RootElement.EnumerateArray())
        {
            results[i++] = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                ? item.TryGetProperty("retryable", out var retryable) && retryable.ValueKind == JsonValueKind.False
                    ? DeliveryOutcome.Permanent(error.GetString()!)
                    : DeliveryOutcome.Retry(error.GetString()!)
                : DeliveryOutcome.Delivered;
        }

        return results;
    }
}
