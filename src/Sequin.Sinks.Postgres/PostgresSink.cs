using System.Text.RegularExpressions;
using Sequin.Messages;

namespace Sequin.Sinks.Postgres;

/// <summary>
/// The <c>postgres</c> sink: replicates rows into tables of another PostgreSQL database. Inserts, updates and backfill
/// reads are upserted by primary key (<c>INSERT … ON CONFLICT … DO UPDATE</c>), deletes delete by key, truncates are
/// applied or ignored (<see cref="PostgresSinkOptions.Truncate"/>). Route key <c>table</c> (default the source's
/// <c>schema.name</c>); a batch goes to one table in one round trip (<see cref="PostgresDelivery"/>).
/// </summary>
public sealed class PostgresSink : Sink<PostgresSinkOptions>
{
    /// <summary>The route key of the target table.</summary>
    public const string TableKey = "table";

    private static readonly RoutableKey[] Keys =
    [
        new(TableKey, "The target table: name (schema public) or schema.name.")
        {
            Required = true,
            MaxLength = 127,
            Pattern = new Regex(PostgresSinkOptions.TablePattern, RegexOptions.CultureInvariant),
            PatternDescription = "a table name or schema.name, each part 1 to 63 characters without '.' or '\"'",
        },
    ];

    private static readonly SinkLimits Limits = new()
    {
        // Values travel as one text array per column: the batch size is not bound by PostgreSQL's 65,535 parameters.
        MaxBatchMessages = 10_000,
        DefaultBatchMessages = 500,
        MaxBatchBytes = 32 * 1024 * 1024,
        // PostgreSQL's largest field is 1 GB; a row's JSON is bounded here so that one batch stays in memory.
        MaxMessageBytes = 256L * 1024 * 1024,
        BatchBy = [TableKey],
    };

    /// <inheritdoc />
    public override string TypeName => "postgres";

    /// <inheritdoc />
    public override string Description => "PostgreSQL tables: rows upserted by primary key and deleted on delete, one round trip per batch, values exact.";

    /// <inheritdoc />
    public override IReadOnlyList<RoutableKey> RouteKeys => Keys;

    /// <inheritdoc />
    public override string DefaultRoutingFunction => """
        // Routing function for a postgres sink: the target table of each change.
        //   table (required): name (schema public) or schema.name; by default the source table's own schema.name.
        function route(action, record, changes, metadata) {
          return { table: `${metadata.table_schema}.${metadata.table_name}` };
        }
        """;

    /// <summary>Batches of 500 rows by default, up to 10,000 and 32 MiB, one target table per batch.</summary>
    public override SinkLimits GetLimits(PostgresSinkOptions options) => Limits;

    /// <summary>Table <c>&lt;schema&gt;.&lt;table&gt;</c>: the source table's own name.</summary>
    public override void ApplyDefaultRoute(ChangeMessage message, Route route)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(route);
        route[TableKey] = message.Relation.Schema + "." + message.Relation.Table;
    }

    /// <summary>The option <c>table</c> when set; otherwise the default (the source's <c>schema.name</c>) stays.</summary>
    public override void ApplyStaticRoute(PostgresSinkOptions options, Route route)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(route);
        if (options.Table is { Length: > 0 } table)
        {
            route[TableKey] = table;
        }
    }

    /// <inheritdoc />
    public override ISinkDelivery CreateDelivery(PostgresSinkOptions options, SinkContext context) => PostgresDelivery.Create(options, context);

    /// <summary>A root certificate only means something when the certificate is verified.</summary>
    protected override void Validate(PostgresSinkOptions options, RoutingMode mode, Action<string, string> report)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        if (options.SslRootCert is { Length: > 0 } && options.SslMode is not (PostgresSslMode.VerifyCa or PostgresSslMode.VerifyFull))
        {
            report("ssl_root_cert", "Only applies with ssl_mode verify-ca or verify-full: set one of them, or remove ssl_root_cert.");
        }

        if (options.Table is { Length: > 0 } && mode == RoutingMode.Dynamic)
        {
            report("table", "Not used with a routing function: return { table: ... } from the function, or remove the routing function.");
        }
    }
}
