namespace Sequin.Configuration;

/// <summary>The publication of a database (<c>databases[].publication</c>).</summary>
/// <param name="Name">The publication name (<c>name</c>). Required.</param>
/// <param name="CreateIfNotExists">Whether the host creates the publication when missing (its scope is the replication source's choice) (<c>create_if_not_exists</c>). Default: false.</param>
public sealed record PublicationConfig(string Name, bool CreateIfNotExists = false)
{
    /// <summary>
    /// The SQL that creates the publication when it is missing and <see cref="CreateIfNotExists"/> is true
    /// (<c>init_sql</c>), or null for the default (<c>CREATE PUBLICATION name FOR TABLES IN SCHEMA public ...</c>).
    /// </summary>
    public string? InitSql { get; init; }
}
