using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests.Support;

/// <summary>
/// A database of its own on the shared server, a working folder, and a <c>sequin.yaml</c> streaming it to a Kafka sink
/// (the plugin from the plugins folder) on a librdkafka mock cluster. Tests add tables, start the host, make changes
/// and read the topics back with kcat.
/// </summary>
public sealed class KafkaScenario : IAsyncDisposable
{
    private KafkaScenario(PostgresServer server, string database, string directory, KafkaMockBroker broker)
    {
        Server = server;
        Database = database;
        Directory = directory;
        Broker = broker;
    }

    public PostgresServer Server { get; }

    public string Database { get; }

    public string Directory { get; }

    public KafkaMockBroker Broker { get; }

    public string ConfigPath => Path.Combine(Directory, "sequin.yaml");

    /// <summary>Replication slots are cluster-wide: each scenario's is named after its database.</summary>
    public string SlotName => "sequin_" + Database;

    public static async Task<KafkaScenario> CreateAsync(PostgresFixture postgres, KafkaMockBroker broker, string prefix)
    {
        var database = await postgres.CreateDatabaseAsync(prefix);
        var directory = Path.Combine(Path.GetTempPath(), "sequin-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        return new KafkaScenario(postgres.Server, database, directory, broker);
    }

    /// <summary>A topic name no other test uses.</summary>
    public static string UniqueTopic(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public Task ExecuteAsync(string sql) => Server.ExecuteAsync(sql, Database);

    public async Task<T> ScalarAsync<T>(string sql) => (await Server.ScalarAsync<T>(sql, Database))!;

    /// <summary>
    /// Writes sequin.yaml: one database and one Kafka sink on <see cref="Broker"/>. <paramref name="destinationExtra"/>
    /// adds destination keys (e.g. <c>topic: t</c>), <paramref name="sinkExtra"/> sink keys (e.g. <c>routing: f</c>),
    /// <paramref name="topLevelExtra"/> top-level sections (e.g. <c>functions:</c>); each is written as given, unindented.
    /// </summary>
    public string WriteConfig(string destinationExtra = "", string sinkExtra = "", string topLevelExtra = "")
    {
        var yaml = ScenarioYaml.Databases(Server, Database, SlotName) + $"""
            {topLevelExtra.Trim('\n')}

            sinks:
              - name: to-kafka
                database: db
            {Indent(sinkExtra, 4)}    destination:
                  type: kafka
                  hosts: "{Broker.BootstrapServers}"
            {Indent(destinationExtra, 6)}
            """;
        File.WriteAllText(ConfigPath, yaml);
        return ConfigPath;
    }

    /// <summary>The slot's confirmed flush position, as a number.</summary>
    public async Task<ulong> ConfirmedFlushAsync() =>
        (ulong)await ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>($"SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '{SlotName}'");

    /// <summary>The server's current WAL position, as a number.</summary>
    public async Task<ulong> CurrentWalLsnAsync() =>
        (ulong)await ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");

    /// <summary>Waits until the host holds the slot (it created it and is streaming).</summary>
    public Task WaitForSlotActiveAsync(SequinHostProcess host) =>
        Eventually.UntilAsync(
            async () =>
            {
                if (host.HasExited)
                {
                    throw new InvalidOperationException($"The host exited ({host.ExitCode}):\n{host.Output}");
                }

                return await ScalarAsync<long>($"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{SlotName}' AND active") == 1;
            },
            () => "the host holds the replication slot; output:\n" + host.Output);

    /// <summary>Reads <paramref name="topic"/> until it holds at least <paramref name="count"/> records; the host's output is in the failure.</summary>
    public async Task<IReadOnlyList<KafkaRecord>> WaitForRecordsAsync(string topic, int count, SequinHostProcess host, TimeSpan? timeout = null)
    {
        try
        {
            return await KcatReader.WaitForAsync(Broker.BootstrapServers, topic, r => r.Count >= count || host.HasExited, timeout ?? Eventually.DefaultTimeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nHost output:\n{host.Output}", ex);
        }
    }

    /// <summary>Drops the scenario's slot (so it holds no WAL on the shared server) and deletes the working folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync($"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{SlotName}' AND NOT active");
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Indent(string extra, int spaces) =>
        string.IsNullOrWhiteSpace(extra)
            ? string.Empty
            : string.Concat(extra.Trim('\n').Split('\n').Select(l => new string(' ', spaces) + l + "\n"));
}
