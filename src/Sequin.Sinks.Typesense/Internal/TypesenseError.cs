using System.Net;

namespace Sequin.Sinks.Typesense.Internal;

/// <summary>A failed Typesense call: the reason (with Typesense's own text), whether retrying may help, and the HTTP status.</summary>
/// <param name="Message">What failed, with Typesense's message; never a secret.</param>
/// <param name="Retryable">Whether the same request may succeed later (5xx, 408, 429, timeout, network error, rejected key).</param>
/// <param name="StatusCode">The HTTP status, or null when no response came (timeout, network error).</param>
/// <param name="RetryAfter">A delay Typesense asked for (429 Retry-After), or null.</param>
internal sealed record TypesenseError(string Message, bool Retryable, HttpStatusCode? StatusCode = null, TimeSpan? RetryAfter = null)
{
    /// <summary>Whether Typesense answered 404 (collection or document not found).</summary>
    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;

    /// <summary>The delivery outcome this failure gives a message.</summary>
    public DeliveryOutcome ToOutcome() => Retryable ? DeliveryOutcome.Retry(Message, RetryAfter) : DeliveryOutcome.Permanent(Message);
}
