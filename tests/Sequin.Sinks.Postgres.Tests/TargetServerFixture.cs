using Sequin.TestServers;

namespace Sequin.Sinks.Postgres.Tests;

/// <summary>One real PostgreSQL for a test class, with a target database the sink writes into and a role with a password.</summary>
public sealed class TargetServerFixture : IAsyncLifetime
{
    public const string Database = "target";
    public const string Writer = "writer";
    public const string WriterPassword = "fixture-pw-7c1";

    public PostgresServer Server { get; private set; } = null!;

    /// <summary>Options reaching the target database as <see cref="Writer"/>.</summary>
    public PostgresSinkOptions Options(string? password = WriterPassword, PostgresTruncateMode truncate = PostgresTruncateMode.Ignore, bool createTables = false, string? table = null) =>
        new()
        {
            Hostname = PostgresServer.Host,
            Port = Server.Port,
            Database = Database,
            Username = Writer,
            Password = password,
            SslMode = PostgresSslMode.Disable,
            Truncate = truncate,
            CreateTables = createTables,
            Table = table,
            TimeoutMs = 10_000,
        };

    public Task ExecuteAsync(string sql) => Server.ExecuteAsync(sql, Database);

    public Task<T?> ScalarAsync<T>(string sql) => Server.ScalarAsync<T>(sql, Database);

    /// <summary>The rows of a query as text, one string per row (columns joined by '|', NULL as ∅).</summary>
    public async Task<List<string>> RowsAsync(string sql)
    {
        var rows = new List<string>();
        await using var command = Server.DataSource(Database).CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "∅" : reader.GetValue(i).ToString())));
        }

        return rows;
    }

    public async Task InitializeAsync()
    {
        Server = await PostgresServer.StartAsync();
        await Server.CreateDatabaseAsync(Database);
        await Server.CreatePasswordRoleAsync(Writer, WriterPassword);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
