using Sequin.TestServers;

namespace Sequin.Core.Tests.Replication.Support;

/// <summary>Tests of this collection share one PostgreSQL cluster; each uses its own database.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "replication-postgres";
}
