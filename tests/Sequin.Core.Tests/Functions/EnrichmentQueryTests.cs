using Sequin.Core.Tests.Replication.Support;
using Sequin.Functions;
using Sequin.TestServers;

namespace Sequin.Core.Tests.Functions;

/// <summary>Enrichment queries against a real PostgreSQL: one query per batch, rows joined back by primary key.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EnrichmentQueryTests(PostgresFixture fixture)
{
    private const string Setup = """
        CREATE TABLE accounts (id int PRIMARY KEY, name text);
        CREATE TABLE users (id int PRIMARY KEY, account_id int, email text);
        INSERT INTO accounts VALUES (10, 'Acme'), (20, 'Globex "quoted"');
        INSERT INTO users VALUES (1, 10, 'a@x'), (2, 20, 'b@x'), (3, 10, 'c@x');
        """;

    private static IReadOnlyList<KeyValuePair<string, string?>> Pk(params (string Column, string Value)[] values) =>
        values.Select(v => new KeyValuePair<string, string?>(v.Column, v.Value)).ToArray();

    private async Task<(EnrichmentQuery Query, Npgsql.NpgsqlDataSource Source)> QueryAsync(string sql, TimeSpan? timeout = null)
    {
        var database = await fixture.CreateDatabaseAsync("enrich");
        await fixture.Server.ExecuteAsync(Setup, database);
        var source = fixture.Server.DataSource(database);
        return (new EnrichmentQuery("with-account", sql, source, timeout ?? TimeSpan.FromSeconds(10)), source);
    }

    [Fact]
    public async Task JoinsASecondTableAndMatchesRowsByPrimaryKeyWithNullForMissingRows()
    {
        var (query, source) = await QueryAsync("""
            SELECT u.id, a.name AS account_name
            FROM users u JOIN accounts a ON a.id = u.account_id
            WHERE u.id = ANY($1);
            """);
        await using var _ = source;

        var keys = new[] { Pk(("id", "1")), Pk(("id", "2")), Pk(("id", "99")) };
        var found = await query.RunAsync(keys, CancellationToken.None);

        Assert.Equal(2, found.Count);
        Assert.Equal("""{"id":1,"account_name":"Acme"}""", found[EnrichmentQuery.KeyOf(keys[0])]);
        Assert.Equal("""{"id":2,"account_name":"Globex \"quoted\""}""", found[EnrichmentQuery.KeyOf(keys[1])]);
        Assert.False(found.ContainsKey(EnrichmentQuery.KeyOf(keys[2])));
    }

    [Fact]
    public async Task CompositeKeysAreArraysInAlphabeticalOrderOfTheColumns()
    {
        var (query, source) = await QueryAsync("""
            SELECT u.account_id, u.id, u.email
            FROM users u
            WHERE (u.account_id, u.id) = ANY(SELECT r.account_id, r.id FROM unnest($1::int[], $2::int[]) AS r(account_id, id))
            """);
        await using var _ = source;

        // The message's key lists id first; $1 is still account_id (alphabetical).
        var key = Pk(("id", "3"), ("account_id", "10"));
        var found = await query.RunAsync([key], CancellationToken.None);

        Assert.Equal("""{"account_id":10,"id":3,"email":"c@x"}""", Assert.Single(found).Value);
        Assert.Equal("10\u001f3", EnrichmentQuery.KeyOf(key));
    }

    [Fact]
    public async Task BrokenSqlFailsWithTheFunctionsNameAndTheServersReason()
    {
        var (query, source) = await QueryAsync("SELECT id, nme FROM users WHERE id = ANY($1)");
        await using var _ = source;

        var e = await Assert.ThrowsAsync<FunctionException>(() => query.RunAsync([Pk(("id", "1"))], CancellationToken.None));

        Assert.StartsWith("Enrichment function 'with-account' failed: 42703:", e.Error.Message, StringComparison.Ordinal);
        Assert.Contains("nme", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AQueryWithoutThePrimaryKeyColumnSaysItMustSelectIt()
    {
        var (query, source) = await QueryAsync("SELECT email FROM users WHERE id = ANY($1)");
        await using var _ = source;

        var e = await Assert.ThrowsAsync<FunctionException>(() => query.RunAsync([Pk(("id", "1"))], CancellationToken.None));

        Assert.Contains("must select every primary-key column: id", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoRowsForOneMessageAreAnError()
    {
        var (query, source) = await QueryAsync("SELECT u.id FROM users u CROSS JOIN accounts WHERE u.id = ANY($1)");
        await using var _ = source;

        var e = await Assert.ThrowsAsync<FunctionException>(() => query.RunAsync([Pk(("id", "1"))], CancellationToken.None));

        Assert.Contains("more than one row for the message with primary key id=1", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASlowQueryTimesOutWithTheFunctionsName()
    {
        var (query, source) = await QueryAsync("SELECT id FROM users, pg_sleep(30) WHERE id = ANY($1)", TimeSpan.FromMilliseconds(300));
        await using var _ = source;

        var e = await Assert.ThrowsAsync<FunctionException>(() => query.RunAsync([Pk(("id", "1"))], CancellationToken.None));

        Assert.Equal("Enrichment function 'with-account' failed: the query did not finish within 300 ms.", e.Error.Message);
    }
}
