using Npgsql;

namespace Sequin.Parking;

/// <summary>
/// Creating Sequin's <c>sequin_state</c> schema and tables with the fewest privileges. <c>CREATE SCHEMA IF NOT
/// EXISTS</c> checks CREATE on the database before it looks for the schema, and <c>CREATE INDEX IF NOT EXISTS</c> needs
/// the table's ownership even when the index exists: so the schema is created only when missing, and a store's DDL runs
/// only when one of its tables or indexes is missing. A role can then use a <c>sequin_state</c> an administrator made
/// (<c>CREATE SCHEMA sequin_state AUTHORIZATION sequin</c>, or tables created by another role with DML granted) without
/// CREATE on the database (docs/reference/privileges.md).
/// </summary>
internal static class StateSchema
{
    /// <summary>The schema's name.</summary>
    public const string Name = "sequin_state";

    /// <summary>Creates the schema only when it does not exist (a plain <c>IF NOT EXISTS</c> would need CREATE on the database).</summary>
    public const string CreateIfMissingSql = $"""
        do $sequin_schema$ begin
            if not exists (select from pg_catalog.pg_namespace where nspname = '{Name}') then
                create schema {Name};
            end if;
        end $sequin_schema$;
        """;

    /// <summary>Whether every relation of <paramref name="relations"/> (qualified tables and indexes) exists.</summary>
    public static async Task<bool> AllExistAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<string> relations, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("select bool_and(pg_catalog.to_regclass(r) is not null) from unnest(@r) r", connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("r", relations.ToArray());
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
        }
    }
}
