using Sequin.Sinks;

namespace SinkPrefix.Webhook;

/// <summary>
/// What the delivery needs from the destination's client library: a batch send with per-entry results, and the two
/// connection checks. Wrap the library's own client in an implementation (<see cref="WebhookClient"/>); tests use a fake.
/// </summary>
// TODO: shape this after your library: keep it to the calls the delivery makes, in the delivery's terms.
internal interface IWebhookClient : IAsyncDisposable
{
    /// <summary>Sends messages in one call.</summary>
    /// <param name="destination">Where they go (the <c>destination</c> route key), or null for the client's default.</param>
    /// <param name="messages">
    /// The messages, in order. <see cref="RoutedMessage.Payload"/> is the UTF-8 JSON to send; <see cref="RoutedMessage.GroupId"/>
    /// (the row's ordering group) and <c>Message.IdempotencyKey</c> are there for a message key, a partition, a FIFO group
    /// or a deduplication id; <see cref="RoutedMessage.Route"/> holds the other route keys.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One outcome per message, in order: <see cref="DeliveryOutcome.Delivered"/>, <see cref="DeliveryOutcome.Retry"/> or <see cref="DeliveryOutcome.Permanent"/> with the destination's reason.</returns>
    /// <exception cref="WebhookClientException">The whole call failed; <see cref="WebhookClientException.IsRetryable"/> says whether to retry.</exception>
    Task<IReadOnlyList<DeliveryOutcome>> SendBatchAsync(string? destination, IReadOnlyList<RoutedMessage> messages, CancellationToken cancellationToken);

    /// <summary>Checks that the destination exists and may be written to.</summary>
    /// <param name="destination">The destination, or null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <exception cref="WebhookClientException">It does not, with the reason.</exception>
    Task CheckDestinationAsync(string? destination, CancellationToken cancellationToken);

    /// <summary>Checks the credentials without a particular destination.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <exception cref="WebhookClientException">They are refused, with the reason.</exception>
    Task CheckCredentialsAsync(CancellationToken cancellationToken);
}
