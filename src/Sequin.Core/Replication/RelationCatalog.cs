using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;
using Sequin.Messages;

namespace Sequin.Replication;

/// <summary>
/// The tables of one replication connection as PostgreSQL described them in Relation messages, sent before the first
/// change of a table on a connection and again after its definition changed. Column types that the JSON conversion
/// does not know by OID (domains, arrays of enums, ...) are resolved through the catalog once.
/// </summary>
internal sealed class RelationCatalog
{
    private readonly Dictionary<uint, RelationInfo> _relations = [];
    private readonly PgTypeResolver _types = new();
    private readonly ILogger _logger;

    /// <summary>Creates an empty catalog.</summary>
    public RelationCatalog(ILogger logger)
    {
        _logger = logger;
    }

    /// <summary>Records (or replaces) the relation a Relation message describes, querying the catalog on <paramref name="metadata"/> as needed.</summary>
    public async ValueTask AddAsync(RelationMessage message, NpgsqlConnection metadata, CancellationToken cancellationToken)
    {
        var count = message.Columns.Count;
        var typeOids = new List<uint>(count);
        for (var i = 0; i < count; i++)
        {
            typeOids.Add(message.Columns[i].DataTypeId);
        }

        await _types.ResolveAsync(metadata, typeOids, cancellationToken).ConfigureAwait(false);

        // With REPLICA IDENTITY FULL pgoutput flags every column as key; the primary key is what record_pks means.
        HashSet<string>? primaryKey = null;
        if (message.ReplicaIdentity == RelationMessage.ReplicaIdentitySetting.AllColumns)
        {
            primaryKey = await PrimaryKeyAsync(metadata, message.RelationId, cancellationToken).ConfigureAwait(false);
        }

        var columns = new RelationColumn[count];
        for (var i = 0; i < count; i++)
        {
            var column = message.Columns[i];
            var resolved = _types.Get(column.DataTypeId);
            var isKey = primaryKey is null
                ? (column.Flags & RelationMessage.Column.ColumnFlags.PartOfKey) != 0
                : primaryKey.Contains(column.ColumnName);
            columns[i] = new RelationColumn(column.ColumnName, resolved.CastTypeOid, column.TypeModifier, isKey)
            {
                ElementTypeOid = resolved.ElementTypeOid,
            };
        }

        var info = new RelationInfo(message.RelationId, message.Namespace, message.RelationName, columns);
        _relations[message.RelationId] = info;
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            ReplicationLog.RelationReceived(_logger, info.QualifiedName, info.Oid, count);
        }
    }

    /// <summary>The relation with OID <paramref name="relationId"/>.</summary>
    /// <exception cref="InvalidOperationException">No Relation message described it on this connection.</exception>
    public RelationInfo Get(uint relationId) =>
        _relations.TryGetValue(relationId, out var relation)
            ? relation
            : throw new InvalidOperationException($"A change for relation {relationId} arrived before its Relation message.");

    private static async Task<HashSet<string>> PrimaryKeyAsync(NpgsqlConnection connection, uint relationId, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(
            """
            SELECT a.attname FROM pg_catalog.pg_index i
            JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indrelid = @oid AND i.indisprimary
            """,
            connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddWithValue("oid", NpgsqlDbType.Oid, relationId);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
