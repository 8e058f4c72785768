using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Sequin.Replication;

namespace Sequin.Hosting;

/// <summary>
/// The session-level advisory lock that makes one host the leader of a database (docs/how-to/run-highly-available.md):
/// <c>pg_try_advisory_lock(key)</c> on a dedicated connection that is not pooled, so that closing it (or the host
/// dying) ends the session and PostgreSQL releases the lock. One instance is one attempt at leading: after the lock is
/// lost or released, a new instance tries again.
/// </summary>
/// <remarks>
/// The key is derived from the slot name (<see cref="KeyFor"/>), so that every host reading the same slot contends for
/// the same lock whatever the rest of its configuration says; <see cref="KeySql"/> computes it in SQL for a DBA.
/// </remarks>
internal sealed class LeaderLock : IAsyncDisposable
{
    /// <summary>The <c>application_name</c> of the lock connection, as <c>pg_stat_activity</c> shows it.</summary>
    public const string ApplicationName = "sequin-leader";

    /// <summary>
    /// The key in SQL, for a slot name given as <c>$1</c>: the first 8 bytes of SHA-256 of <c>sequin:</c> followed by the
    /// slot name (UTF-8), read as a signed big-endian 64-bit integer (the same as <see cref="KeyFor"/>).
    /// </summary>
    public const string KeySql = "('x' || left(encode(sha256(convert_to('sequin:' || $1, 'UTF8')), 'hex'), 16))::bit(64)::bigint";

    private readonly string _connectionString;
    private readonly TimeSpan _checkTimeout;
    private NpgsqlConnection? _connection;
    private bool _disposed;

    /// <summary>Creates the lock of slot <paramref name="slotName"/>; nothing connects until <see cref="TryAcquireAsync"/>.</summary>
    /// <param name="connectionString">The database's connection string; pooling is turned off here.</param>
    /// <param name="slotName">The slot the lock guards; the key is derived from it.</param>
    /// <param name="checkTimeout">How long one query on the lock connection may take before it counts as lost.</param>
    public LeaderLock(string connectionString, string slotName, TimeSpan checkTimeout)
    {
        // Not pooled: a pooled connection's session (and its lock) would outlive Close.
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            ApplicationName = ApplicationName,
            Timeout = Math.Max(5, (int)Math.Ceiling(checkTimeout.TotalSeconds)),
            CancellationTimeout = -1,
            TcpKeepAlive = true,
        }.ConnectionString;
        _checkTimeout = checkTimeout;
        Key = KeyFor(slotName);
    }

    /// <summary>The advisory lock key (<c>pg_locks</c>: <c>classid</c> holds its high 32 bits, <c>objid</c> its low 32 bits, <c>objsubid</c> is 1).</summary>
    public long Key { get; }

    /// <summary>True once <see cref="TryAcquireAsync"/> took the lock (until this instance is disposed).</summary>
    public bool Held { get; private set; }

    /// <summary>The advisory lock key of slot <paramref name="slotName"/> (see <see cref="KeySql"/>).</summary>
    public static long KeyFor(string slotName)
    {
        ArgumentNullException.ThrowIfNull(slotName);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes("sequin:" + slotName), hash);
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    /// <summary>
    /// Opens the lock connection if needed and tries the lock once (<c>pg_try_advisory_lock</c>: it never waits).
    /// Returns true when this host now leads. A connection failure is thrown; the connection is then closed, and the
    /// next call opens a new one.
    /// </summary>
    public async Task<bool> TryAcquireAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Held)
        {
            return true;
        }

        try
        {
            if (_connection is null)
            {
                _connection = new NpgsqlConnection(_connectionString);
                await _connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            }

            using var command = new NpgsqlCommand("SELECT pg_catalog.pg_try_advisory_lock($1)", _connection) { Parameters = { new() { Value = Key } } };
            Held = (bool)(await RunAsync(command, cancellationToken).ConfigureAwait(false))!;
            return Held;
        }
        catch
        {
            await CloseAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Runs while the lock is held: every <paramref name="interval"/> a trivial query on the lock connection, which fails
    /// at once when the session was ended (<c>pg_terminate_backend</c>, a server restart) and after the check timeout
    /// when the connection went silent. Returns why the lock is lost; throws <see cref="OperationCanceledException"/>
    /// when cancelled.
    /// </summary>
    public async Task<string> WatchAsync(TimeSpan interval, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Held || _connection is null)
        {
            throw new InvalidOperationException("The leader lock is not held.");
        }

        while (true)
        {
            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
            try
            {
                using var command = new NpgsqlCommand("SELECT 1", _connection);
                await RunAsync(command, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                Held = false;
                return ReplicationFailure.Describe(e);
            }
        }
    }

    /// <summary>Releases the lock (if held) and ends the lock session.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (Held && _connection is { State: System.Data.ConnectionState.Open })
        {
            try
            {
                // Ending the session releases the lock too; unlocking first makes the release immediate, not after the
                // backend's exit.
                using var command = new NpgsqlCommand("SELECT pg_catalog.pg_advisory_unlock($1)", _connection) { Parameters = { new() { Value = Key } } };
                await RunAsync(command, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Closing the connection below releases the lock anyway.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        Held = false;
        await CloseAsync().ConfigureAwait(false);
    }

    private async Task<object?> RunAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_checkTimeout);
        try
        {
            return await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The lock connection did not answer within {_checkTimeout.TotalMilliseconds:0} ms.", e);
        }
    }

    private async Task CloseAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            try
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A broken connection may fail to close; it is gone either way.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
