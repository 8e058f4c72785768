using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Sequin.Sinks.Redis.Internal;

/// <summary>
/// One sink's connection to Redis: a <see cref="ConnectionMultiplexer"/> made on first use (so a server that is down at
/// start delays delivery instead of failing the host) and kept for the sink's life; StackExchange.Redis reconnects it by
/// itself. Builds the client's configuration from <see cref="RedisConnectionOptions"/> and runs the connection test.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly RedisConnectionOptions _options;
    private readonly string _sinkType;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _multiplexer;

    /// <summary>Creates the connection of one sink; nothing connects until <see cref="GetDatabaseAsync"/>.</summary>
    public RedisConnection(RedisConnectionOptions options, string sinkType, ILogger logger)
    {
        _options = options;
        _sinkType = sinkType;
        _logger = logger;
    }

    /// <summary>The server as errors name it (<c>host:port</c>).</summary>
    public string Server => _options.Describe();

    /// <summary>The database of the sink, connecting first if needed.</summary>
    /// <exception cref="RedisSinkException">Connecting failed; the message says why (never the password).</exception>
    public async Task<IDatabase> GetDatabaseAsync(CancellationToken cancellationToken)
    {
        var multiplexer = _multiplexer;
        if (multiplexer is null)
        {
            await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                multiplexer = _multiplexer ??= await ConnectAsync(abortOnConnectFail: false, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _connecting.Release();
            }
        }

        return multiplexer.GetDatabase(_options.Database);
    }

    /// <summary>
    /// <c>sequin test-connection</c>: a fresh connection (so that a wrong password shows as such, not as a pending
    /// reconnect), <c>PING</c> on the database, and the server's version.
    /// </summary>
    public async Task<ConnectionTestResult> TestAsync(CancellationToken cancellationToken)
    {
        try
        {
            var multiplexer = await ConnectAsync(abortOnConnectFail: true, cancellationToken).ConfigureAwait(false);
            await using (multiplexer.ConfigureAwait(false))
            {
                var latency = await multiplexer.GetDatabase(_options.Database).PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                var server = multiplexer.GetServers().FirstOrDefault();
                var version = server is null ? "unknown" : server.Version.ToString();
                return ConnectionTestResult.Ok(FormattableString.Invariant($"Redis {version} at {Server} answered PING in {latency.TotalMilliseconds:F1} ms."));
            }
        }
        catch (RedisSinkException ex)
        {
            return ConnectionTestResult.Failed(ex.Message);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or SocketException)
        {
            return ConnectionTestResult.Failed(RedisErrors.Describe(ex, _options));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is { } multiplexer)
        {
            await multiplexer.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }

        _connecting.Dispose();
    }

    /// <summary>The client configuration of these options (exposed for tests: never carries more than the options say).</summary>
    internal static ConfigurationOptions Configuration(RedisConnectionOptions options, bool abortOnConnectFail)
    {
        var configuration = new ConfigurationOptions
        {
            User = options.Username,
            Password = options.Password,
            Ssl = options.Tls,
            SslHost = options.Tls ? options.Host : null,
            DefaultDatabase = options.Database,
            AbortOnConnectFail = abortOnConnectFail,
            ConnectTimeout = options.TimeoutMs,
            SyncTimeout = options.TimeoutMs,
            AsyncTimeout = options.TimeoutMs,
            ConnectRetry = abortOnConnectFail ? 1 : 3,
            ClientName = "sequin",
            // Plain commands only: no CLIENT/CONFIG/INFO probing a restricted ACL user may not be allowed.
            CommandMap = CommandMap.Default,
        };
        configuration.EndPoints.Add(options.Host!, options.Port);
        return configuration;
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(bool abortOnConnectFail, CancellationToken cancellationToken)
    {
        RedisSinkLog.Connecting(_logger, _sinkType, Server, _options.Tls, _options.Username ?? "default");
        ConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await ConnectionMultiplexer.ConnectAsync(Configuration(_options, abortOnConnectFail)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or SocketException)
        {
            throw new RedisSinkException(RedisErrors.Describe(ex, _options), RedisErrors.IsRetryable(ex), ex);
        }

        if (!abortOnConnectFail)
        {
            multiplexer.ConnectionFailed += (_, e) => RedisSinkLog.ConnectionFailed(_logger, _sinkType, Server, e.FailureType.ToString());
            multiplexer.ConnectionRestored += (_, _) => RedisSinkLog.ConnectionRestored(_logger, _sinkType, Server);
        }

        return multiplexer;
    }
}
