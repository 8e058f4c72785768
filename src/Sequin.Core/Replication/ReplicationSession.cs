using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using NpgsqlTypes;

namespace Sequin.Replication;

/// <summary>
/// One replication connection: it starts streaming the slot from its confirmed position, hands every message to a
/// <see cref="PgOutputDecoder"/> in order, and runs the <see cref="StatusFeedback"/> beside the stream until the
/// stream ends, fails or is cancelled. The next connection is a new session.
/// </summary>
internal sealed class ReplicationSession
{
    private readonly ReplicationSourceOptions _options;
    private readonly ILogger _logger;
    private readonly HeartbeatEmitter _heartbeat;
    private readonly PgOutputDecoder _decoder;
    private readonly StatusFeedback _status;

    /// <summary>Creates a session; nothing connects until <see cref="StreamAsync"/>.</summary>
    public ReplicationSession(ReplicationSourceOptions options, ILogger logger, HeartbeatEmitter heartbeat, PgOutputDecoder decoder, StatusFeedback status)
    {
        _options = options;
        _logger = logger;
        _heartbeat = heartbeat;
        _decoder = decoder;
        _status = status;
    }

    /// <summary>
    /// The replication connection's connection string. With several hosts it names the one node the metadata connection
    /// reached (the primary, by <c>Target Session Attributes=primary</c>), so that both read the same server.
    /// </summary>
    internal string ReplicationConnectionString(NpgsqlConnection metadata)
    {
        var builder = new NpgsqlConnectionStringBuilder(_options.ConnectionString);
        if (builder.Host is { } hosts && hosts.Contains(',', StringComparison.Ordinal) && metadata.Host is { Length: > 0 } host)
        {
            builder.Host = host;
            builder.Port = metadata.Port;
            builder.TargetSessionAttributes = null;
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// Streams the slot from <paramref name="startLsn"/>. <paramref name="onStarted"/> is called once the first message
    /// arrives, which proves that streaming started; returns when the server ends the stream.
    /// </summary>
    public async Task StreamAsync(ulong startLsn, Action onStarted, CancellationToken cancellationToken)
    {
        var metadata = new NpgsqlConnection(_options.ConnectionString);
        await using var metadataScope = metadata.ConfigureAwait(false);
        await metadata.OpenAsync(cancellationToken).ConfigureAwait(false);
        var connection = new LogicalReplicationConnection(ReplicationConnectionString(metadata));
        await using var connectionScope = connection.ConfigureAwait(false);
        // Npgsql's own periodic feedback only repeats what the status feedback set (the confirmable position).
        connection.WalReceiverStatusInterval = _options.StatusInterval;
        await connection.Open(cancellationToken).ConfigureAwait(false);

        using var stop = new CancellationTokenSource();
        using var link = SafeCancellation.Link(stop, cancellationToken);
        var status = _status.RunAsync(connection, stop.Token);
        var startHeartbeat = Task.CompletedTask;
        try
        {
            var slot = new PgOutputReplicationSlot(_options.SlotName);
            var pgOptions = new PgOutputReplicationOptions(_options.PublicationName, PgOutputProtocolVersion.V1, binary: false, messages: true);
            // "Started" is logged once START_REPLICATION has succeeded, which the first message proves; a heartbeat
            // emitted now makes that first message come at once even when the tables are idle.
            var started = false;
            startHeartbeat = _heartbeat.EmitAtStartAsync(stop.Token);
            await foreach (var message in connection.StartReplication(slot, pgOptions, stop.Token).ConfigureAwait(false))
            {
                _options.Status.OnMessage();
                if (!started)
                {
                    started = true;
                    _options.Status.OnConnected();
                    onStarted();
                    if (_logger.IsEnabled(LogLevel.Information))
                    {
                        ReplicationLog.Started(_logger, _options.SlotName, _options.PublicationName, new NpgsqlLogSequenceNumber(startLsn));
                    }
                }

                await _decoder.HandleAsync(message, metadata, stop.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            _options.Status.OnDisconnected();
            SafeCancellation.Cancel(stop);
            try
            {
                await status.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            await startHeartbeat.ConfigureAwait(false);
        }
    }
}
