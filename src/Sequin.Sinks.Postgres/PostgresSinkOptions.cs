namespace Sequin.Sinks.Postgres;

/// <summary>
/// The <c>destination:</c> keys of a <c>postgres</c> sink: the target server with the source database's key names
/// (<c>hostname</c>, <c>port</c>, <c>database</c>, <c>username</c>, <c>password</c>, <c>ssl_mode</c>), the target table
/// (route key <c>table</c>, default the source's <c>schema.name</c>), and what to do with truncates and missing tables.
/// </summary>
public sealed class PostgresSinkOptions
{
    /// <summary>The pattern of a target table: <c>name</c> or <c>schema.name</c>, each part 1 to 63 characters without '.' or '"'.</summary>
    internal const string TablePattern = @"^([^.""]{1,63}\.)?[^.""]{1,63}$";

    /// <summary>The target server's host name or IP address. Required.</summary>
    [SinkOption("The target PostgreSQL server's host name or IP address.", Required = true, MaxLength = 255)]
    public string? Hostname { get; set; }

    /// <summary>The target server's port. Default: 5432.</summary>
    [SinkOption("The target server's port.", Minimum = 1, Maximum = 65535)]
    public int Port { get; set; } = 5432;

    /// <summary>The target database. Required.</summary>
    [SinkOption("The target database the rows are written to.", Required = true, MaxLength = 63)]
    public string? Database { get; set; }

    /// <summary>The user. Default: <c>postgres</c>.</summary>
    [SinkOption("The user the sink connects as; it needs INSERT, UPDATE and DELETE on the target tables (and CREATE on their schemas with create_tables).", MaxLength = 63)]
    public string Username { get; set; } = "postgres";

    /// <summary>The password; a secret: masked on export, never echoed in errors or logs.</summary>
    [SinkOption("The user's password.", Secret = true, MaxLength = 4096)]
    public string? Password { get; set; }

    /// <summary>TLS to the target server, with libpq's meanings. Default: <c>prefer</c>.</summary>
    [SinkOption("TLS to the target server: disable, allow, prefer (TLS when offered, not verified), require (not verified), verify-ca or verify-full.",
        AllowedValues = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"])]
    public PostgresSslMode SslMode { get; set; } = PostgresSslMode.Prefer;

    /// <summary>The root certificate (PEM file) that verifies the server's with <c>verify-ca</c>/<c>verify-full</c>; unset for the system's roots.</summary>
    [SinkOption("The root certificate (PEM file path) that verifies the server's certificate with verify-ca or verify-full; unset for the system's roots.", MaxLength = 4096)]
    public string? SslRootCert { get; set; }

    /// <summary>
    /// The table every change goes to (static routing), <c>name</c> (schema <c>public</c>) or <c>schema.name</c>; unset
    /// for the source table's own <c>schema.name</c>. With a routing function, its <c>table</c> decides.
    /// </summary>
    [SinkOption("The target table, name or schema.name (static routing); unset for the source table's own schema.name. A routing function's table wins.",
        MaxLength = 127, Pattern = TablePattern, PatternDescription = "a table name or schema.name, each part 1 to 63 characters without '.' or '\"'")]
    public string? Table { get; set; }

    /// <summary>What a source truncate does: <c>ignore</c> (the default) or <c>apply</c> (truncate the target table too).</summary>
    [SinkOption("What a source truncate does to the target table: ignore (the default) or apply (TRUNCATE it). Truncates reach the sink only when its actions list truncate.",
        AllowedValues = ["ignore", "apply"])]
    public PostgresTruncateMode Truncate { get; set; } = PostgresTruncateMode.Ignore;

    /// <summary>Whether a missing target table (and its schema) is created from the source's columns and primary key. Default: false.</summary>
    [SinkOption("Whether a missing target table (and schema) is created from the source table's columns, types and primary key; when false a missing table parks the message.")]
    public bool CreateTables { get; set; }

    /// <summary>How long connecting and one batch may take before they fail and are retried, in milliseconds. Default: 30,000.</summary>
    [SinkOption("How long connecting and one batch's statement may take before they fail and are retried, in milliseconds.", Minimum = 1000, Maximum = 600_000)]
    public int TimeoutMs { get; set; } = 30_000;

    /// <summary>The server as errors and logs name it (<c>host:port/database</c>); never a credential.</summary>
    internal string Describe() => $"{Hostname}:{Port}/{Database}";
}
