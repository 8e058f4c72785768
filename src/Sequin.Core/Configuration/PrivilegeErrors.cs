using System.Text.RegularExpressions;
using Npgsql;

namespace Sequin.Configuration;

/// <summary>
/// Turns PostgreSQL's "permission denied" errors (SQLSTATE 42501) met while a database starts into errors that name the
/// grant to add, for the role Sequin connects as (docs/reference/privileges.md lists them all).
/// </summary>
internal static partial class PrivilegeErrors
{
    private const string Docs = "See docs/reference/privileges.md.";

    private static readonly string[] StateTables =
        ["parked_messages", "parked_requests", "discarded_messages", "backfills", "initial_backfills", "replication_slots"];

    /// <summary>
    /// An error naming the missing grant when <paramref name="error"/> (or an inner exception) is a privilege error;
    /// otherwise null. <paramref name="databases"/> name the role and database when there is one database.
    /// </summary>
    public static InvalidOperationException? Explain(Exception error, IReadOnlyList<DatabaseConfig> databases)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(databases);
        var postgres = Find(error);
        if (postgres is null || postgres.SqlState != PostgresErrorCodes.InsufficientPrivilege)
        {
            return null;
        }

        var one = databases.Count == 1 ? databases[0] : null;
        var role = one is null ? "<role>" : Identifier(one.Username);
        var fix = Fix(postgres.MessageText, role, one);
        var where = one is null ? string.Empty : $"Database '{one.Name}' (role '{one.Username}'): ";
        return new InvalidOperationException($"{where}{postgres.MessageText}. {fix} {Docs}", error);
    }

    private static string Fix(string message, string role, DatabaseConfig? database)
    {
        if (message.Contains("replication role", StringComparison.Ordinal) || message.Contains("WAL sender", StringComparison.Ordinal)
            || message.Contains("replication slots", StringComparison.Ordinal))
        {
            return $"The role needs the REPLICATION attribute: ALTER ROLE {role} REPLICATION;";
        }

        if (DeniedFor().Match(message) is { Success: true } denied)
        {
            var kind = denied.Groups[1].Value;
            var name = denied.Groups[2].Value;
            switch (kind)
            {
                case "database":
                    return $"Creating schema sequin_state (and a publication, with publication.create_if_not_exists) needs CREATE on the database: GRANT CREATE ON DATABASE {Identifier(name)} TO {role}; or have an administrator create both: CREATE SCHEMA sequin_state AUTHORIZATION {role}; CREATE PUBLICATION {Identifier(database?.Publication.Name ?? "<publication>")} FOR TABLE ...;";
                case "schema" when name == "sequin_state":
                    return $"Sequin keeps its state in schema sequin_state: ALTER SCHEMA sequin_state OWNER TO {role}; or GRANT USAGE, CREATE ON SCHEMA sequin_state TO {role};";
                case "schema":
                    return $"Reading the published tables needs: GRANT USAGE ON SCHEMA {Identifier(name)} TO {role};";
                case "table" when StateTables.Contains(name, StringComparer.Ordinal):
                case "sequence":
                    return $"Sequin's state tables were created by another role: GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA sequin_state TO {role}; GRANT USAGE ON ALL SEQUENCES IN SCHEMA sequin_state TO {role};";
                case "table":
                    return $"Backfills, and enrichment, read the published tables: GRANT SELECT ON {Identifier(name)} TO {role}; (or GRANT SELECT ON ALL TABLES IN SCHEMA ... TO {role};)";
            }
        }

        if (message.StartsWith("must be owner of", StringComparison.Ordinal))
        {
            return $"Only the owner may do this: create the publication as the tables' owner (CREATE PUBLICATION {Identifier(database?.Publication.Name ?? "<publication>")} FOR TABLE ...;), and let {role} own schema sequin_state and its tables (ALTER SCHEMA sequin_state OWNER TO {role};, or drop those tables for Sequin to create them).";
        }

        if (message.Contains("superuser", StringComparison.Ordinal) && message.Contains("publication", StringComparison.Ordinal))
        {
            return "A publication FOR ALL TABLES needs a superuser: have one create it, or list the tables (CREATE PUBLICATION ... FOR TABLE ...; as their owner).";
        }

        return $"Grant {role} what this statement needs.";
    }

    private static PostgresException? Find(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is PostgresException postgres)
            {
                return postgres;
            }
        }

        return null;
    }

    /// <summary>A name as a SQL identifier: quoted unless plain lower-case.</summary>
    private static string Identifier(string name) =>
        PlainIdentifier().IsMatch(name) ? name : "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex("^permission denied for (database|schema|table|sequence|relation) (.+)$")]
    private static partial Regex DeniedFor();

    [GeneratedRegex("^[a-z_][a-z0-9_$]*$")]
    private static partial Regex PlainIdentifier();
}
