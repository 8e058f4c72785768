using Sequin.Sinks;

namespace Sequin.Sinks.Sqs;

/// <summary>
/// The connection tests of <c>sequin test-connection</c> (and the console): <see cref="TestConnectionAsync"/> checks the
/// configured resource (static routing), <see cref="TestCredentialsAsync"/> only the credentials (dynamic routing, where
/// the resource is only known per message).
/// </summary>
public sealed partial class SqsDelivery
{
    /// <summary>Static routing: the client checks the configured destination. In dynamic routing, the credentials only.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Passed, or failed with the client's reason.</returns>
    public async Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken)
    {
        if (_options.Destination is not { } destination)
        {
            return await TestCredentialsAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await _client.CheckDestinationAsync(destination, cancellationToken).ConfigureAwait(false);
            return ConnectionTestResult.Ok(destination is null ? "The destination is reachable." : $"Destination '{destination}' is reachable.");
        }
        catch (SqsClientException ex)
        {
            return ConnectionTestResult.Failed(ex.Message);
        }
    }

    /// <summary>Credentials only: the client checks that the destination accepts them.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Passed, or failed with the client's reason.</returns>
    public async Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.CheckCredentialsAsync(cancellationToken).ConfigureAwait(false);
            return ConnectionTestResult.Ok("The destination accepted the credentials.");
        }
        catch (SqsClientException ex)
        {
            return ConnectionTestResult.Failed(ex.Message);
        }
    }
}
