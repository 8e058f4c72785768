using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests.Support;

/// <summary>One throwaway PostgreSQL for all end-to-end tests; each test creates its own database.</summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "end-to-end";
}
