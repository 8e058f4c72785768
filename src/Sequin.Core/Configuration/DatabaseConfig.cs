namespace Sequin.Configuration;

/// <summary>One source database (<c>databases[]</c>).</summary>
public sealed class DatabaseConfig
{
    /// <summary>The item's configuration keys (paths relative to it) and values as read, after substitution; compared by <see cref="ConfigPlan"/>.</summary>
    internal IReadOnlyDictionary<string, string?> Keys { get; set; } = ConfigKeys.Empty;

    /// <summary>The name sinks refer to (<c>name</c>). Required.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// The server host (<c>hostname</c>), or several as <c>host1:port,host2:port</c> (a primary and its standbys: Sequin
    /// connects to whichever is the primary). Required unless <c>url</c> gives it.
    /// </summary>
    public required string Hostname { get; init; }

    /// <summary>The server port (<c>port</c>). Default: 5432.</summary>
    public int Port { get; init; } = 5432;

    /// <summary>The database name (<c>database</c>). Required unless <c>url</c> gives it.</summary>
    public required string Database { get; init; }

    /// <summary>The user (<c>username</c>). Default: <c>postgres</c>.</summary>
    public string Username { get; init; } = "postgres";

    /// <summary>The password (<c>password</c>), or null. A secret: never logged, masked on export.</summary>
    public string? Password { get; init; }

    /// <summary>The <c>url</c> the connection fields came from, if one was given (it may hold the password: never log it).</summary>
    public string? Url { get; init; }

    /// <summary>The largest <see cref="PoolSize"/>.</summary>
    public const int MaxPoolSize = 1000;

    /// <summary>
    /// The most ordinary (non-replication) connections the host opens to this database at once (<c>pool_size</c>), or
    /// null for Npgsql's default (100). The replication connection is not counted.
    /// </summary>
    public int? PoolSize { get; init; }

    /// <summary>The replication slot (<c>slot</c>).</summary>
    public required ReplicationSlotConfig Slot { get; init; }

    /// <summary>The publication (<c>publication</c>).</summary>
    public required PublicationConfig Publication { get; init; }

    /// <summary>User annotations (<c>annotations</c>) as a JSON object text; <c>{}</c> when none. Scalar values are strings.</summary>
    public string AnnotationsJson { get; init; } = "{}";

    /// <summary>TLS to the server (<c>ssl_mode</c>, <c>ssl: true</c>, or <c>sslmode</c> in <c>url</c>); null for the default (<c>prefer</c>).</summary>
    public DatabaseSslMode? SslMode { get; init; }

    /// <summary>The root certificate (PEM) that verifies the server's (<c>ssl_root_cert</c>, or <c>sslrootcert</c> in <c>url</c>), as a full path; null for the system's trusted roots.</summary>
    public string? SslRootCert { get; init; }

    /// <summary>How long starting waits for an unreachable database (<c>await_database</c>).</summary>
    public AwaitDatabaseConfig AwaitDatabase { get; init; } = AwaitDatabaseConfig.Default;

    /// <summary>When to warn that the database keeps WAL for this host (<c>wal_warnings</c>).</summary>
    public WalWarningsConfig WalWarnings { get; init; } = WalWarningsConfig.Default;

    /// <summary>How hosts running this configuration share the database: the standby's retry and the leader's check interval (<c>leader_lock</c>).</summary>
    public LeaderLockConfig LeaderLock { get; init; } = LeaderLockConfig.Default;

    /// <summary>An Npgsql connection string for this database (it holds the password: never log it).</summary>
    public string BuildConnectionString()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder
        {
            Host = Hostname,
            Port = Port,
            Database = Database,
            Username = Username,
        };
        if (Password is not null)
        {
            builder.Password = Password;
        }

        if (SslMode is { } mode)
        {
            builder.SslMode = mode switch
            {
                DatabaseSslMode.Disable => Npgsql.SslMode.Disable,
                DatabaseSslMode.Allow => Npgsql.SslMode.Allow,
                DatabaseSslMode.Prefer => Npgsql.SslMode.Prefer,
                DatabaseSslMode.Require => Npgsql.SslMode.Require,
                DatabaseSslMode.VerifyCa => Npgsql.SslMode.VerifyCA,
                _ => Npgsql.SslMode.VerifyFull,
            };
        }

        if (SslRootCert is not null)
        {
            builder.RootCertificate = SslRootCert;
        }

        // Several hosts (host1:port,host2:port): connect to whichever is the primary, the only node a slot can be read
        // on (and the one a failover promotes).
        if (Hostname.Contains(',', StringComparison.Ordinal))
        {
            builder.TargetSessionAttributes = "primary";
        }

        if (PoolSize is { } poolSize)
        {
            builder.MaxPoolSize = poolSize;
        }

        return builder.ConnectionString;
    }
}
