namespace Sequin.Messages;

/// <summary>The source database a message came from: <c>metadata.database</c> and <c>metadata.database_name</c>.</summary>
/// <param name="Id">A stable id of the configured database (its name when none is configured).</param>
/// <param name="Name">The configured name of the database in <c>sequin.yaml</c>.</param>
/// <param name="Database">The PostgreSQL database name.</param>
/// <param name="Hostname">The host the database runs on.</param>
/// <param name="AnnotationsJson">User annotations as a JSON object text; <c>{}</c> when none.</param>
public sealed record SourceDatabaseInfo(string Id, string Name, string Database, string Hostname, string AnnotationsJson = "{}");
