using System.Text.RegularExpressions;
using Npgsql;
using Sequin.Messages;

namespace Sequin.Replication;

/// <summary>How the runtime connects to one source database and reads its replication slot.</summary>
/// <remarks>
/// The runtime builds these from each database's configuration; an embedding host may adjust them through
/// <see cref="Hosting.SequinRuntimeOptions.ConfigureReplication"/> (status and heartbeat intervals, reconnect delays,
/// WAL warning thresholds) before they are checked. That hook is why this type is public; the replication machinery
/// that uses it is internal.
/// </remarks>
public sealed partial class ReplicationSourceOptions
{
    /// <summary>The publication SQL used when no table list is given: every table of schema <c>public</c>, partitions reported under their root.</summary>
    internal const string DefaultPublicationScope = "FOR TABLES IN SCHEMA public WITH (publish_via_partition_root = true)";

    /// <summary>The Npgsql connection string of the source database (a normal one; the replication connection is derived from it).</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The logical replication slot to read (pgoutput). Lower-case letters, digits and underscores, at most 63 characters.</summary>
    public string SlotName { get; set; } = string.Empty;

    /// <summary>The publication that selects the replicated tables.</summary>
    public string PublicationName { get; set; } = string.Empty;

    /// <summary>Create the slot when it does not exist (YAML <c>create_if_not_exists</c>). Default false: a missing slot is an error.</summary>
    public bool CreateSlotIfNotExists { get; set; }

    /// <summary>
    /// Make the slot a failover slot (YAML <c>slot.failover</c>, PostgreSQL 17+): created with <c>failover = true</c>;
    /// an existing slot without it is an error naming the command that enables it. Default false.
    /// </summary>
    public bool SlotFailover { get; set; }

    /// <summary>Create the publication when it does not exist. Default false: a missing publication is an error.</summary>
    public bool CreatePublicationIfNotExists { get; set; }

    /// <summary>
    /// The tables (<c>table</c> or <c>schema.table</c>) of a publication created by <see cref="CreatePublicationIfNotExists"/>.
    /// Empty (the default): every table of schema <c>public</c>, partitions reported under their root.
    /// </summary>
    public IList<string> PublicationTables { get; } = new List<string>();

    /// <summary>
    /// The SQL run instead of the default <c>CREATE PUBLICATION</c> when <see cref="CreatePublicationIfNotExists"/> creates
    /// the publication (YAML <c>publication.init_sql</c>), or null. It must create a publication named <see cref="PublicationName"/>.
    /// </summary>
    public string? PublicationInitSql { get; set; }

    /// <summary>How often the confirmable WAL position is reported to PostgreSQL. Default 1 s.</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a heartbeat logical message is emitted so that an idle slot advances. Default 15 s;
    /// <see cref="TimeSpan.Zero"/> turns heartbeats off.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Warn when this many bytes of WAL have been received but not yet acknowledged (PostgreSQL keeps them). Default
    /// 1 GiB; zero turns the check off.
    /// </summary>
    public long WalLagWarningBytes { get; set; } = 1L << 30;

    /// <summary>Warn when the oldest undelivered change is older than this. Default 10 min; zero turns the check off.</summary>
    public TimeSpan UndeliveredAgeWarning { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The first delay before reconnecting after the connection dropped. Default 1 s; doubles per failed attempt in a
    /// row, ±15 % jitter, up to <see cref="ReconnectMaxDelay"/>.
    /// </summary>
    public TimeSpan ReconnectBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest delay between reconnection attempts. Default 1 min. It is waited from the attempt at which the doubled
    /// delay would be more than half of it (with the defaults: 1, 2, 4, 8, 16 s, then 1 min), the rule message retries use.
    /// </summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The source database as reported in message metadata. When null, it is derived from the connection string
    /// (database name as id and name, host as hostname).
    /// </summary>
    public SourceDatabaseInfo? Source { get; set; }

    /// <summary>Where the replication reports its connection, messages and lag (health checks and metrics); the runtime sets it.</summary>
    internal Diagnostics.ReplicationStatus Status { get; set; } = new(string.Empty);

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is missing or invalid; the message names it.</exception>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException($"{nameof(ConnectionString)} is required.", nameof(ConnectionString));
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{nameof(ConnectionString)} is not a valid Npgsql connection string: {e.Message}", nameof(ConnectionString), e);
        }

        if (string.IsNullOrWhiteSpace(SlotName) || !SlotNamePattern().IsMatch(SlotName))
        {
            throw new ArgumentException(
                $"{nameof(SlotName)} '{SlotName}' is invalid: use 1-63 lower-case letters, digits and underscores.", nameof(SlotName));
        }

        if (string.IsNullOrWhiteSpace(PublicationName) || PublicationName.Length > 63)
        {
            throw new ArgumentException($"{nameof(PublicationName)} is required (at most 63 characters).", nameof(PublicationName));
        }

        foreach (var table in PublicationTables)
        {
            if (string.IsNullOrWhiteSpace(table) || !TableNamePattern().IsMatch(table))
            {
                throw new ArgumentException(
                    $"{nameof(PublicationTables)} entry '{table}' is invalid: use 'table' or 'schema.table'.", nameof(PublicationTables));
            }
        }

        RequirePositive(StatusInterval, nameof(StatusInterval));
        if (HeartbeatInterval < TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(HeartbeatInterval)} must not be negative (zero turns heartbeats off).", nameof(HeartbeatInterval));
        }

        RequirePositive(ReconnectBaseDelay, nameof(ReconnectBaseDelay));
        RequirePositive(ReconnectMaxDelay, nameof(ReconnectMaxDelay));
        if (ReconnectMaxDelay < ReconnectBaseDelay)
        {
            throw new ArgumentException(
                $"{nameof(ReconnectMaxDelay)} must not be shorter than {nameof(ReconnectBaseDelay)}.", nameof(ReconnectMaxDelay));
        }
    }

    /// <summary>The source database info to put in messages: <see cref="Source"/> or one derived from the connection string.</summary>
    internal SourceDatabaseInfo ResolveSource()
    {
        if (Source is not null)
        {
            return Source;
        }

        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        var database = string.IsNullOrEmpty(builder.Database) ? builder.Username ?? "postgres" : builder.Database;
        return new SourceDatabaseInfo(database, database, database, builder.Host ?? "localhost");
    }

    /// <summary>The SQL that creates the publication.</summary>
    internal string CreatePublicationSql()
    {
        if (!string.IsNullOrWhiteSpace(PublicationInitSql))
        {
            return PublicationInitSql;
        }

        var scope = PublicationTables.Count == 0
            ? DefaultPublicationScope
            : "FOR TABLE " + string.Join(", ", PublicationTables.Select(QuoteQualified)) + " WITH (publish_via_partition_root = true)";
        return $"CREATE PUBLICATION {QuoteIdentifier(PublicationName)} {scope}";
    }

    /// <summary>Whether the publication would be created with <see cref="DefaultPublicationScope"/> (no tables, no init SQL).</summary>
    internal bool UsesDefaultPublicationScope => string.IsNullOrWhiteSpace(PublicationInitSql) && PublicationTables.Count == 0;

    /// <summary>
    /// The SQL that creates the publication over <paramref name="tables"/> (<c>schema.table</c>): what the default scope
    /// becomes on PostgreSQL 14, which has no <c>FOR TABLES IN SCHEMA</c>. No tables gives an empty publication.
    /// </summary>
    internal string CreatePublicationSqlForTables(IReadOnlyList<string> tables) =>
        tables.Count == 0
            ? $"CREATE PUBLICATION {QuoteIdentifier(PublicationName)} WITH (publish_via_partition_root = true)"
            : $"CREATE PUBLICATION {QuoteIdentifier(PublicationName)} FOR TABLE {string.Join(", ", tables.Select(QuoteQualified))} WITH (publish_via_partition_root = true)";

    internal static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string QuoteQualified(string table)
    {
        var dot = table.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? QuoteIdentifier(table) : QuoteIdentifier(table[..dot]) + "." + QuoteIdentifier(table[(dot + 1)..]);
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} must be positive.", name);
        }
    }

    [GeneratedRegex("^[a-z0-9_]{1,63}$")]
    private static partial Regex SlotNamePattern();

    [GeneratedRegex("^[^.\"]{1,63}(\\.[^.\"]{1,63})?$")]
    private static partial Regex TableNamePattern();
}
