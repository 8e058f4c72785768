using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests.Support;

/// <summary>
/// A database of its own on the shared server, a working folder, and a <c>sequin.yaml</c> streaming it to a Kafka sink
/// (the plugin from the plugins folder) on a librdkafka mock cluster. Tests add tables, start the host, make changes
/// and read the topics back with Confluent's consumer (KafkaTopicReader).
/// </summary>
public sealed class KafkaScenario : DatabaseScenario
{
    private KafkaScenario(PostgresServer server, string database, string directory, KafkaMockBroker broker)
        : base(server, database, directory, "sequin_" + database)
    {
        Broker = broker;
    }

    public KafkaMockBroker Broker { get; }

    public static async Task<KafkaScenario> CreateAsync(PostgresFixture postgres, KafkaMockBroker broker, string prefix)
    {
        var (database, directory) = await CreateDatabaseAndFolderAsync(postgres, prefix);
        return new KafkaScenario(postgres.Server, database, directory, broker);
    }

    /// <summary>A topic name no other test uses.</summary>
    public static string UniqueTopic(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>
    /// Writes sequin.yaml: one database and one Kafka sink on <see cref="Broker"/>. <paramref name="destinationExtra"/>
    /// adds destination keys (e.g. <c>topic: t</c>), <paramref name="sinkExtra"/> sink keys (e.g. <c>routing: f</c>),
    /// <paramref name="topLevelExtra"/> top-level sections (e.g. <c>functions:</c>); each is written as given, unindented.
    /// </summary>
    public string WriteConfig(string destinationExtra = "", string sinkExtra = "", string topLevelExtra = "")
    {
        var yaml = DatabasesYaml + $"""
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

    /// <summary>The server's current WAL position, as a number.</summary>
    public async Task<ulong> CurrentWalLsnAsync() =>
        (ulong)await ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");

    /// <summary>Reads <paramref name="topic"/> until it holds at least <paramref name="count"/> records; the host's output is in the failure.</summary>
    public async Task<IReadOnlyList<KafkaRecord>> WaitForRecordsAsync(string topic, int count, ChildProcess host, TimeSpan? timeout = null)
    {
        try
        {
            return await KafkaTopicReader.WaitForAsync(Broker.BootstrapServers, topic, r => r.Count >= count || host.HasExited, timeout ?? Eventually.DefaultTimeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nHost output:\n{host.Output}", ex);
        }
    }
}
