using System.Net;
using Sequin.Sinks;

namespace Sequin.Sinks.Webhook;

/// <summary>
/// The connection tests of <c>sequin test-connection</c> (and the console): <see cref="TestConnectionAsync"/> checks the
/// configured resource (static routing), <see cref="TestCredentialsAsync"/> only the credentials (dynamic routing, where
/// the resource is only known per message).
/// </summary>
internal sealed partial class WebhookDelivery
{
    /// <summary>
    /// Static routing: <c>GET {url}/{destination}</c> passes on 2xx. In dynamic routing (no destination configured) it
    /// checks the credentials only.
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Passed, or failed with the destination's reason.</returns>
    // TODO: the cheapest call of your API that proves the resource exists and the key may write to it.
    public async Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken)
    {
        if (_options.Destination is not { } destination)
        {
            return await TestCredentialsAsync(cancellationToken).ConfigureAwait(false);
        }

        var url = ResourceUrl(destination);
        var (status, reason) = await GetAsync(url, cancellationToken).ConfigureAwait(false);
        return status is { } code && (int)code is >= 200 and < 300
            ? ConnectionTestResult.Ok($"{url.GetLeftPart(UriPartial.Path)} answered {(int)code}.")
            : ConnectionTestResult.Failed($"{url.GetLeftPart(UriPartial.Path)}: {reason}");
    }

    /// <summary>Credentials only: <c>GET {url}</c> passes unless the API refuses the key (401, 403) or cannot be reached.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Passed, or failed with the destination's reason.</returns>
    // TODO: your API's "who am I" call, if it has one.
    public async Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken)
    {
        var url = _options.Url!;
        var (status, reason) = await GetAsync(url, cancellationToken).ConfigureAwait(false);
        return status switch
        {
            null => ConnectionTestResult.Failed($"{url.GetLeftPart(UriPartial.Path)}: {reason}"),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ConnectionTestResult.Failed($"{url.GetLeftPart(UriPartial.Path)} refused the api_key: {reason}"),
            >= HttpStatusCode.InternalServerError => ConnectionTestResult.Failed($"{url.GetLeftPart(UriPartial.Path)}: {reason}"),
            _ => ConnectionTestResult.Ok($"{url.GetLeftPart(UriPartial.Path)} accepted the credentials."),
        };
    }

    /// <summary>A GET with the sink's credentials and timeout: the status, or null and why there is none.</summary>
    private async Task<(HttpStatusCode? Status, string Reason)> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        Authorize(request);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            return (response.StatusCode, $"{(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (HttpRequestException ex)
        {
            return (null, ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"no answer within timeout_seconds ({_options.TimeoutSeconds} s)");
        }
    }
}
