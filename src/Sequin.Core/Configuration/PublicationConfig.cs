namespace Sequin.Configuration;

/// <summary>The publication of a database (<c>databases[].publication</c>).</summary>
/// <param name="Name">The publication name (<c>name</c>). Required.</param>
/// <param name="CreateIfNotExists">Whether the host creates the publication when missing (its scope is the replication source's choice) (<c>create_if_not_exists</c>). Default: false.</param>
public sealed record PublicationConfig(string Name, bool CreateIfNotExists = false);
