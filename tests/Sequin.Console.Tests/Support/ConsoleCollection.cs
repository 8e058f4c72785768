namespace Sequin.WebConsole.Tests.Support;

/// <summary>One throwaway PostgreSQL and one browser for the console's tests; each test starts its own host and database.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<PostgresFixture>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "console";
}
