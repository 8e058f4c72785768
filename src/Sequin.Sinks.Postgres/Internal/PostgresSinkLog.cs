using Microsoft.Extensions.Logging;

namespace Sequin.Sinks.Postgres.Internal;

/// <summary>The PostgreSQL sink's log messages (event ids 12000-12999). Never logs a password or a row; Core logs failed deliveries.</summary>
internal static partial class PostgresSinkLog
{
    [LoggerMessage(12001, LogLevel.Debug, "PostgreSQL sink connecting to {Server} as {User} (ssl_mode: {SslMode}, create_tables: {CreateTables}, truncate: {Truncate}).")]
    public static partial void Connecting(ILogger logger, string server, string user, string sslMode, bool createTables, string truncate);

    [LoggerMessage(12002, LogLevel.Information, "PostgreSQL sink created target table {Table} in {Server} from source table {Source} (create_tables: true).")]
    public static partial void TableCreated(ILogger logger, string table, string server, string source);
}
