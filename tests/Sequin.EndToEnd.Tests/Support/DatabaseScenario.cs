using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests.Support;

/// <summary>
/// What every end-to-end scenario has: a database of its own on the shared server, a replication slot of its own
/// (slots are cluster-wide), and a working folder for its <c>sequin.yaml</c>. Disposing drops the slot (so it holds no
/// WAL) and deletes the folder; sink-specific scenarios derive from it.
/// </summary>
public abstract class DatabaseScenario : IAsyncDisposable
{
    protected DatabaseScenario(PostgresServer server, string database, string directory, string slotName)
    {
        Server = server;
        Database = database;
        Directory = directory;
        SlotName = slotName;
    }

    public PostgresServer Server { get; }

    public string Database { get; }

    public string Directory { get; }

    public string SlotName { get; }

    public string ConfigPath => Path.Combine(Directory, "sequin.yaml");

    public Task ExecuteAsync(string sql) => Server.ExecuteAsync(sql, Database);

    public async Task<T> ScalarAsync<T>(string sql) => (await Server.ScalarAsync<T>(sql, Database))!;

    /// <summary>The slot's confirmed flush position, as a number.</summary>
    public async Task<ulong> ConfirmedFlushAsync() =>
        (ulong)await ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>($"SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '{SlotName}'");

    /// <summary>The slot's restart position (the oldest WAL it keeps), as a number.</summary>
    public async Task<ulong> RestartLsnAsync() =>
        (ulong)await ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>($"SELECT restart_lsn FROM pg_replication_slots WHERE slot_name = '{SlotName}'");

    /// <summary>Waits until the slot is in use (the host, or an in-process runtime, created it and is streaming).</summary>
    public Task WaitForSlotActiveAsync(ChildProcess? host = null) =>
        Eventually.UntilAsync(
            async () =>
            {
                if (host is { HasExited: true })
                {
                    throw new InvalidOperationException($"The host exited ({host.ExitCode}):\n{host.Output}");
                }

                return await ScalarAsync<long>($"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{SlotName}' AND active") == 1;
            },
            () => "the replication slot is in use; host output:\n" + host?.Output);

    /// <summary>More keys for the database (YAML lines, e.g. <c>ssl_mode: require</c>), set before writing the config.</summary>
    public string DatabaseExtraYaml { get; set; } = string.Empty;

    /// <summary>The database's <c>hostname</c> (e.g. a host list <c>h1:p1,h2:p2</c>); null: the server's host and port.</summary>
    public string? HostnameYaml { get; set; }

    /// <summary>More keys of the slot's map (e.g. <c>failover: true</c>), set before writing the config.</summary>
    public string SlotExtraYaml { get; set; } = string.Empty;

    /// <summary>The <c>databases:</c> section: one database named <c>db</c> with its own slot, both created by the host; ends with a blank line.</summary>
    protected string DatabasesYaml => $$"""
        databases:
          - name: db
            hostname: "{{HostnameYaml ?? PostgresServer.Host}}"
            port: {{Server.Port}}
            database: {{Database}}
            username: postgres
        {{Indent(DatabaseExtraYaml, 4)}}    slot: { name: {{SlotName}}, create_if_not_exists: true{{(SlotExtraYaml.Length == 0 ? string.Empty : ", " + SlotExtraYaml)}} }
            publication: { name: sequin_pub, create_if_not_exists: true }


        """;

    public virtual async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync($"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{SlotName}' AND NOT active");
        }
        catch (Npgsql.NpgsqlException)
        {
            // Best effort: the server may be gone.
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Creates the scenario's database and working folder.</summary>
    protected static async Task<(string Database, string Directory)> CreateDatabaseAndFolderAsync(PostgresFixture postgres, string prefix)
    {
        var database = await postgres.CreateDatabaseAsync(prefix);
        var directory = Path.Combine(Path.GetTempPath(), "sequin-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        return (database, directory);
    }

    /// <summary>Indents every line of a YAML fragment by <paramref name="spaces"/>; empty for a blank fragment.</summary>
    protected static string Indent(string yaml, int spaces) =>
        string.IsNullOrWhiteSpace(yaml)
            ? string.Empty
            : string.Concat(yaml.Trim('\n').Split('\n').Select(l => new string(' ', spaces) + l + "\n"));
}
