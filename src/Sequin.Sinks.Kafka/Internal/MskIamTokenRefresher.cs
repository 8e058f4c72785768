using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Sequin.Sinks.Kafka.Internal;

/// <summary>
/// The OAUTHBEARER token refresh handler of one librdkafka client (a producer or an admin client). librdkafka calls it
/// from its poll thread when the client starts and again at 80 % of the current token's lifetime (about 12 minutes into
/// a 15-minute MSK IAM token), so a new token is in place before the old one expires. The handler returns at once: the
/// token is made on the thread pool (the credential chain may call the EC2 or ECS metadata service) and handed to the
/// client with <c>OAuthBearerSetToken</c>, or, when no token can be made, the reason goes to
/// <c>OAuthBearerSetTokenFailure</c>, which librdkafka reports as an authentication error and retries in 10 s.
/// <see cref="Dispose"/> must be called before the client is disposed.
/// </summary>
internal sealed class MskIamTokenRefresher : IDisposable
{
    /// <summary>The OAUTHBEARER principal: local to librdkafka, MSK reads the identity from the signed token.</summary>
    public const string Principal = "sequin";

    private readonly MskIamTokenProvider _provider;
    private readonly ILogger _logger;
    private readonly string _sinkName;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _closing = new();
    private bool _closed;

    /// <summary>Creates the handler of one client.</summary>
    public MskIamTokenRefresher(MskIamTokenProvider provider, ILogger logger, string sinkName)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(logger);
        _provider = provider;
        _logger = logger;
        _sinkName = sinkName;
    }

    /// <summary>The last refresh started by <see cref="OnRefresh"/>; completes when its token (or failure) is handed over.</summary>
    public Task LastRefresh { get; private set; } = Task.CompletedTask;

    /// <summary>The handler for <c>SetOAuthBearerTokenRefreshHandler</c>.</summary>
    /// <param name="client">The client asking for a token.</param>
    /// <param name="config">librdkafka's <c>sasl.oauthbearer.config</c> (unused).</param>
    public void OnRefresh(IClient client, string? config)
    {
        ArgumentNullException.ThrowIfNull(client);
        LastRefresh = Task.Run(() => RefreshAsync(client), CancellationToken.None);
    }

    /// <summary>Makes a token and hands it (or the reason there is none) to <paramref name="client"/>.</summary>
    internal async Task RefreshAsync(IClient client)
    {
        CancellationToken closing;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            closing = _closing.Token;
        }

        MskIamAuthToken token;
        try
        {
            token = await _provider.CreateTokenAsync(closing).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (closing.IsCancellationRequested)
        {
            return; // the client is closing: it needs no token.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var reason = Describe(ex);
            KafkaSinkLog.MskIamTokenFailed(_logger, _sinkName, reason);
            lock (_gate)
            {
                if (!_closed)
                {
                    client.OAuthBearerSetTokenFailure(reason);
                }
            }

            return;
        }

        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            try
            {
                client.OAuthBearerSetToken(token.Value, token.ExpiresAt.ToUnixTimeMilliseconds(), Principal);
            }
            catch (KafkaException ex)
            {
                // librdkafka checks the token's characters and that it has not expired (a clock far behind AWS's).
                var refused = $"aws_msk_iam: librdkafka refused the MSK IAM token for {_provider.Region} (valid until {token.ExpiresAt:O}): {ex.Error.Reason}";
                KafkaSinkLog.MskIamTokenFailed(_logger, _sinkName, refused);
                client.OAuthBearerSetTokenFailure(refused);
                return;
            }
        }

        KafkaSinkLog.MskIamTokenSet(_logger, _sinkName, _provider.Region, _provider.CredentialSource, token.ExpiresAt);
    }

    /// <summary>
    /// Stops handing tokens to the client, waiting for a hand-over in progress, and cancels a token being made. Call
    /// before disposing the client.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
        }

        _closing.Cancel();
        _closing.Dispose();
    }

    /// <summary>
    /// The reason a token could not be made: the credential source, the region and the error's own message (AWSSDK's
    /// messages name what is missing, never a secret).
    /// </summary>
    internal string Describe(Exception ex) =>
        $"aws_msk_iam: could not sign an MSK IAM token for {_provider.Region} with credentials from {_provider.CredentialSource}: {ex.GetType().Name}: {ex.Message}";
}
