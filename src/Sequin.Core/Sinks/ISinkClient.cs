namespace Sequin.Sinks;

/// <summary>
/// Talks to the destination. One client per configured sink, created once and reused for every batch. Besides these
/// checks, a client exposes whatever delivery calls its pipeline needs.
/// </summary>
public interface ISinkClient : IAsyncDisposable
{
    /// <summary>
    /// Static mode: checks that the configured resource (topic, collection, topic ARN) is reachable and writable.
    /// Errors are returned, with the destination's message, not thrown.
    /// </summary>
    Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Dynamic mode: checks that the credentials work and have the general permissions needed, without naming any
    /// particular resource (the routing function picks those per message).
    /// </summary>
    Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken);
}
