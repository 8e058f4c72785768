using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests.Support;

/// <summary>
/// A database of its own on the shared server, a working folder, and a <c>sequin.yaml</c> streaming it to the stdout
/// sink's file. Tests add tables, start the host, make changes and read <see cref="OutputPath"/>.
/// </summary>
public sealed class StdoutScenario : IAsyncDisposable
{
    private StdoutScenario(PostgresServer server, string database, string directory)
    {
        Server = server;
        Database = database;
        Directory = directory;
    }

    public PostgresServer Server { get; }

    public string Database { get; }

    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "sequin.yaml");

    public string OutputPath => Path.Combine(Directory, "messages.jsonl");

    /// <summary>Slots are cluster-wide: each scenario gets its own.</summary>
    public string SlotName => "sequin_" + Database.Replace('-', '_');

    public static async Task<StdoutScenario> CreateAsync(PostgresFixture postgres, string prefix)
    {
        var database = await postgres.CreateDatabaseAsync(prefix);
        var directory = Path.Combine(Path.GetTempPath(), "sequin-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        return new StdoutScenario(postgres.Server, database, directory);
    }

    public Task ExecuteAsync(string sql) => Server.ExecuteAsync(sql, Database);

    public async Task<T> ScalarAsync<T>(string sql) => (await Server.ScalarAsync<T>(sql, Database))!;

    /// <summary>
    /// Writes sequin.yaml: one database, one sink (by default the stdout sink writing to <see cref="OutputPath"/>);
    /// <paramref name="sinkExtra"/> adds sink keys, <paramref name="destinationType"/> names another sink type with
    /// <paramref name="destinationFields"/>, <paramref name="functions"/> is the YAML of the <c>functions:</c> list items.
    /// </summary>
    public string WriteConfig(string sinkExtra = "", string? destinationType = null, IReadOnlyDictionary<string, string>? destinationFields = null, string functions = "")
    {
        var destination = destinationType is null ? $"type: stdout\n      path: \"{OutputPath}\"" : "type: " + destinationType;
        foreach (var (key, value) in destinationFields ?? new Dictionary<string, string>())
        {
            destination += $"\n      {key}: \"{value}\"";
        }

        var yaml = ScenarioYaml.Databases(Server, Database, SlotName) + $$"""
            {{(functions.Length == 0 ? string.Empty : "functions:\n" + functions.TrimEnd() + "\n")}}
            sinks:
              - name: to-file
                database: db
            {{Indent(sinkExtra)}}    destination:
                  {{destination}}

            """;
        File.WriteAllText(ConfigPath, yaml);
        return ConfigPath;
    }

    /// <summary>The slot's confirmed flush position, as a number.</summary>
    public async Task<ulong> ConfirmedFlushAsync() =>
        (ulong)await ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>($"SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '{SlotName}'");

    /// <summary>Waits until the host holds the slot (it created it and is streaming).</summary>
    public Task WaitForSlotActiveAsync(SequinHostProcess? host = null) =>
        Eventually.UntilAsync(
            async () =>
            {
                if (host is { HasExited: true })
                {
                    throw new InvalidOperationException($"The host exited ({host.ExitCode}):\n{host.Output}");
                }

                return await ScalarAsync<long>($"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{SlotName}' AND active") == 1;
            },
            () => "the host holds the replication slot; output:\n" + host?.Output);

    public Task WaitForMessagesAsync(int count, SequinHostProcess? host = null, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(
            () => StdoutSinkOutput.Count(OutputPath) >= count,
            () => $"{count} messages in {OutputPath} (have {StdoutSinkOutput.Count(OutputPath)}); host output:\n{host?.Output}",
            timeout);

    public async ValueTask DisposeAsync()
    {
        // Slots belong to the whole server and hold its WAL: drop this scenario's once no host uses it.
        await ExecuteAsync($"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{SlotName}' AND NOT active");
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Indent(string extra) =>
        string.IsNullOrWhiteSpace(extra)
            ? string.Empty
            : string.Concat(extra.Trim('\n').Split('\n').Select(l => "    " + l + "\n"));
}
