using RabbitMQ.Client;
using Sequin.Sinks;
using Sequin.Sinks.RabbitMq.Internal;

namespace Sequin.Sinks.RabbitMq;

/// <summary>
/// The connection tests of <c>sequin test-connection</c> (and the console), each on a fresh connection:
/// <see cref="TestConnectionAsync"/> also checks that the configured exchange exists (static routing),
/// <see cref="TestCredentialsAsync"/> only that the broker takes the credentials and the virtual host (dynamic routing,
/// where the exchange is only known per message).
/// </summary>
internal sealed partial class RabbitMqDelivery
{
    /// <summary>Static routing: connects, opens a channel and declares the exchange passively. In dynamic routing, the credentials only.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Passed with the broker's version, or failed with the reason.</returns>
    public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken) =>
        CheckAsync(_options.Exchange, cancellationToken);

    /// <summary>Credentials only: connects to the virtual host and opens a channel.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Passed with the broker's version, or failed with the reason.</returns>
    public Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken) =>
        CheckAsync(exchange: null, cancellationToken);

    private async Task<ConnectionTestResult> CheckAsync(string? exchange, CancellationToken cancellationToken)
    {
        IConnection connection;
        try
        {
            connection = await ConnectAsync(_clientName + " (connection test)", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RabbitMqErrors.IsRabbitMqFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            return ConnectionTestResult.Failed(RabbitMqErrors.Describe(ex, _options));
        }

        try
        {
            var accepted = $"RabbitMQ {ServerVersion(connection)} at {_options.Describe()} accepted user '{_options.Username}'";
            var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (channel.ConfigureAwait(false))
            {
                if (exchange is null)
                {
                    return ConnectionTestResult.Ok(accepted + ".");
                }

                try
                {
                    await channel.ExchangeDeclarePassiveAsync(exchange, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (RabbitMqErrors.ShutdownReason(ex) is { ReplyCode: 404 } reason)
                {
                    return ConnectionTestResult.Failed(
                        $"{accepted}, but it has no exchange '{exchange}': create it, or set 'exchange' to one that exists. RabbitMQ said: {reason.ReplyCode} {reason.ReplyText}");
                }

                return ConnectionTestResult.Ok($"{accepted}; exchange '{exchange}' exists.");
            }
        }
        catch (Exception ex) when (RabbitMqErrors.IsRabbitMqFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            return ConnectionTestResult.Failed(RabbitMqErrors.Describe(ex, _options));
        }
        finally
        {
            await CloseQuietlyAsync(connection).ConfigureAwait(false);
        }
    }
}
