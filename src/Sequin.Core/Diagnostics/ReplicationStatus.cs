namespace Sequin.Diagnostics;

/// <summary>
/// What one database's replication is doing, for health checks and the <c>Sequin.Core</c> meter: whether a
/// replication connection is streaming, when it last received a message, and the lag the status feedback measured at
/// its last tick. Written by the replication machinery (no allocation), read by the meter's observable gauges and the
/// health checks at scrape or probe time.
/// </summary>
internal sealed class ReplicationStatus
{
    private readonly SequinMetrics? _metrics;
    private int _connected;
    private long _lastMessageTicks;
    private long _lagBytes;
    private long _lagMilliseconds;
    private long _serverWal;
    private int _role; // 0 trying the lock for the first time, 1 leader, 2 standby
    private long _lockKey;
    private string? _slotFailure;

    /// <summary>Creates the status of database <paramref name="database"/>; its changes are counted in <paramref name="metrics"/> when given.</summary>
    public ReplicationStatus(string database, SequinMetrics? metrics = null)
    {
        Database = database;
        MetricTag = new KeyValuePair<string, object?>("sequin.database.name", database);
        _metrics = metrics;
    }

    /// <summary>The database's name in <c>sequin.yaml</c>.</summary>
    public string Database { get; }

    /// <summary>The tag of the database's measurements.</summary>
    public KeyValuePair<string, object?> MetricTag { get; }

    /// <summary>True while this host holds the database's leader lock (and so may read the slot and deliver).</summary>
    public bool IsLeader => Volatile.Read(ref _role) == 1;

    /// <summary>True while another host holds the database's leader lock and this one waits to take over.</summary>
    public bool IsStandby => Volatile.Read(ref _role) == 2;

    /// <summary>The database's advisory lock key (0 before the first attempt).</summary>
    public long LockKey => Volatile.Read(ref _lockKey);

    /// <summary>True while a replication connection is streaming.</summary>
    public bool Connected => Volatile.Read(ref _connected) == 1;

    /// <summary>How long ago the stream last delivered a message (a change, a heartbeat, a transaction boundary); null before the first.</summary>
    public TimeSpan? SinceLastMessage
    {
        get
        {
            var last = Volatile.Read(ref _lastMessageTicks);
            return last == 0 ? null : TimeSpan.FromMilliseconds(Environment.TickCount64 - last);
        }
    }

    /// <summary>The server's WAL position at the last heartbeat (0 before the first, or with heartbeats off).</summary>
    public ulong ServerWal => (ulong)Volatile.Read(ref _serverWal);

    /// <summary>
    /// Bytes of WAL between the server's position (the later of what the stream received and where the last heartbeat
    /// was written) and the position every sink has confirmed, at the last status tick.
    /// </summary>
    public long LagBytes => Volatile.Read(ref _lagBytes);

    /// <summary>The age of the oldest change not yet delivered, at the last status tick (zero when everything is delivered).</summary>
    public TimeSpan LagTime => TimeSpan.FromMilliseconds(Volatile.Read(ref _lagMilliseconds));

    /// <summary>This host took the leader lock <paramref name="lockKey"/>.</summary>
    public void OnLeader(long lockKey)
    {
        Volatile.Write(ref _lockKey, lockKey);
        Volatile.Write(ref _role, 1);
    }

    /// <summary>Another host holds the leader lock <paramref name="lockKey"/> (or this host lost it).</summary>
    public void OnStandby(long lockKey)
    {
        Volatile.Write(ref _lockKey, lockKey);
        Volatile.Write(ref _role, 2);
    }

    /// <summary>
    /// Why the database's slot can no longer be read (PostgreSQL invalidated it), or null. Set once; the health checks
    /// report it.
    /// </summary>
    public string? SlotFailure => Volatile.Read(ref _slotFailure);

    /// <summary>PostgreSQL invalidated the slot for <paramref name="reason"/> (<c>invalidation_reason</c>): counted and kept for the health checks.</summary>
    public void OnSlotInvalidated(string reason, string failure)
    {
        Volatile.Write(ref _slotFailure, failure);
        _metrics?.SlotInvalidated(MetricTag, reason);
    }

    /// <summary>A replication connection started streaming.</summary>
    public void OnConnected()
    {
        Volatile.Write(ref _connected, 1);
        OnMessage();
    }

    /// <summary>The replication connection ended, failed or was cancelled.</summary>
    public void OnDisconnected() => Volatile.Write(ref _connected, 0);

    /// <summary>The stream delivered a message.</summary>
    public void OnMessage() => Volatile.Write(ref _lastMessageTicks, Environment.TickCount64);

    /// <summary>A change was read from the slot and handed to the sinks.</summary>
    public void OnChangeRead() => _metrics?.ChangeRead(MetricTag);

    /// <summary>A heartbeat was written at <paramref name="lsn"/>: the server's WAL reached at least there.</summary>
    public void OnServerWal(ulong lsn)
    {
        long current;
        do
        {
            current = Volatile.Read(ref _serverWal);
            if ((ulong)current >= lsn)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _serverWal, (long)lsn, current) != current);
    }

    /// <summary>The status feedback measured the lag.</summary>
    public void OnLag(long bytes, TimeSpan age)
    {
        Volatile.Write(ref _lagBytes, bytes);
        Volatile.Write(ref _lagMilliseconds, (long)age.TotalMilliseconds);
    }
}
