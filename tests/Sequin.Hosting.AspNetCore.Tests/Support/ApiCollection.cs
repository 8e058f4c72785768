namespace Sequin.Hosting.AspNetCore.Tests.Support;

/// <summary>One throwaway PostgreSQL for the API tests; each test creates its own database.</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "http-api";
}
