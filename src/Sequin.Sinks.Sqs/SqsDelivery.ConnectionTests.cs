using Sequin.Sinks;

namespace Sequin.Sinks.Sqs;

/// <summary>
/// The connection tests of <c>sequin test-connection</c> (and the console): <see cref="TestConnectionAsync"/> checks the
/// configured resource (static routing), <see cref="TestCredentialsAsync"/> only the credentials (dynamic routing, where
/// the resource is only known per message).
/// </summary>
internal sealed partial class SqsDelivery
{
    /// <summary>Static routing: <c>GetQueueAttributes</c> on the configured queue. In dynamic routing, the credentials only.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Passed, or failed with the client's reason.</returns>
    public async Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken)
    {
        if (_options.QueueUrl is not { } queueUrl)
        {
            return await TestCredentialsAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await _client.CheckDestinationAsync(queueUrl, cancellationToken).ConfigureAwait(false);
            return ConnectionTestResult.Ok($"Queue '{queueUrl}' exists and its attributes can be read.");
        }
        catch (SqsClientException ex)
        {
            return ConnectionTestResult.Failed(ex.Message);
        }
    }

    /// <summary>Credentials only: <c>ListQueues</c> (at most one result) in the configured region.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Passed, or failed with the client's reason.</returns>
    public async Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.CheckCredentialsAsync(cancellationToken).ConfigureAwait(false);
            return ConnectionTestResult.Ok("SQS accepted the credentials.");
        }
        catch (SqsClientException ex)
        {
            return ConnectionTestResult.Failed(ex.Message);
        }
    }
}
