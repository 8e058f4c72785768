namespace Sequin.Sinks.Sqs;

/// <summary>
/// What the delivery needs from the destination's client library: a batch send with per-entry results, and the two
/// connection checks. Wrap the library's own client in an implementation (<see cref="SqsClient"/>); tests use a fake.
/// </summary>
// TODO: shape this after your library: keep it to the calls the delivery makes, in the delivery's terms.
public interface ISqsClient : IAsyncDisposable
{
    /// <summary>Sends payloads in one call.</summary>
    /// <param name="destination">Where they go (the <c>destination</c> route key), or null for the client's default.</param>
    /// <param name="payloads">UTF-8 JSON payloads, in order.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One result per payload, in order.</returns>
    /// <exception cref="SqsClientException">The whole call failed; <see cref="SqsClientException.IsRetryable"/> says whether to retry.</exception>
    Task<IReadOnlyList<SqsSendResult>> SendBatchAsync(string? destination, IReadOnlyList<ReadOnlyMemory<byte>> payloads, CancellationToken cancellationToken);

    /// <summary>Checks that the destination exists and may be written to.</summary>
    /// <param name="destination">The destination, or null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <exception cref="SqsClientException">It does not, with the reason.</exception>
    Task CheckDestinationAsync(string? destination, CancellationToken cancellationToken);

    /// <summary>Checks the credentials without a particular destination.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <exception cref="SqsClientException">They are refused, with the reason.</exception>
    Task CheckCredentialsAsync(CancellationToken cancellationToken);
}
