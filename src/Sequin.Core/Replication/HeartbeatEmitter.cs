using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;
using Sequin.Messages;

namespace Sequin.Replication;

/// <summary>
/// Writes heartbeats into the WAL as transactional logical messages. Each one decodes to a message on the slot, so
/// the position acknowledged to PostgreSQL moves on even when the replicated tables are idle and other activity in
/// the database fills the WAL. Heartbeats are recognised by their prefix and never delivered to sinks.
/// </summary>
internal sealed class HeartbeatEmitter
{
    /// <summary>The logical message prefix of heartbeats.</summary>
    public const string Prefix = "sequin.heartbeat.1";

    private readonly string _connectionString;
    private readonly string _slotName;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Diagnostics.ReplicationStatus? _status;

    /// <summary>
    /// Creates an emitter; an <paramref name="interval"/> of zero turns heartbeats off. A <paramref name="status"/>, when
    /// given, is told the server's WAL position at each heartbeat (the upper end of the lag metric).
    /// </summary>
    public HeartbeatEmitter(string connectionString, string slotName, TimeSpan interval, ILogger logger, TimeProvider timeProvider, Diagnostics.ReplicationStatus? status = null)
    {
        _connectionString = connectionString;
        _slotName = slotName;
        _interval = interval;
        _logger = logger;
        _timeProvider = timeProvider;
        _status = status;
    }

    /// <summary>Whether heartbeats are on.</summary>
    public bool Enabled => _interval > TimeSpan.Zero;

    /// <summary>Emits one heartbeat now, on a connection of its own.</summary>
    public async Task EmitAsync(CancellationToken cancellationToken)
    {
        var payload = string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"id\":\"{Guid.NewGuid()}\",\"emitted_at\":\"{PgValueJson.FormatUtc(_timeProvider.GetUtcNow())}\",\"version\":\"1\"}}");
        var connection = new NpgsqlConnection(_connectionString);
        await using var connectionScope = connection.ConfigureAwait(false);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var command = new NpgsqlCommand("SELECT pg_catalog.pg_logical_emit_message(true, @prefix, @payload)", connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddWithValue("prefix", Prefix);
        command.Parameters.AddWithValue("payload", payload);
        // The message's LSN is the server's WAL position now: it keeps the lag metric true while reading is paused
        // (full sink buffers), when the stream's own last received position stands still.
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is NpgsqlTypes.NpgsqlLogSequenceNumber lsn)
        {
            _status?.OnServerWal((ulong)lsn);
        }
    }

    /// <summary>
    /// Emits one heartbeat as a replication stream starts, when heartbeats are on, so that its first message comes at
    /// once even when the tables are idle. A failure is ignored: the periodic heartbeat follows.
    /// </summary>
    public async Task EmitAtStartAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        try
        {
            await EmitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or IOException or SocketException or TimeoutException)
        {
            // Only makes the first message come sooner.
        }
    }

    /// <summary>
    /// Emits a heartbeat every interval until cancelled (returns at once when heartbeats are off). A failed heartbeat is
    /// logged and only delays the slot's advance; the next tick tries again.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(_interval, _timeProvider);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await EmitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ReplicationLog.HeartbeatFailed(_logger, _slotName, ReplicationFailure.Describe(e));
            }
        }
    }
}
