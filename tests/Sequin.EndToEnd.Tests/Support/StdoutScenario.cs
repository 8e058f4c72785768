using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests.Support;

/// <summary>
/// A database of its own on the shared server, a working folder, and a <c>sequin.yaml</c> streaming it to the stdout
/// sink's file. Tests add tables, start the host, make changes and read <see cref="OutputPath"/>.
/// </summary>
public sealed class StdoutScenario : DatabaseScenario
{
    private StdoutScenario(PostgresServer server, string database, string directory)
        : base(server, database, directory, "sequin_" + database.Replace('-', '_'))
    {
    }

    public string OutputPath => Path.Combine(Directory, "messages.jsonl");

    /// <summary>The <c>databases:</c> section <see cref="WriteConfig"/> writes, for tests that write their own sinks.</summary>
    public string DatabasesSection => DatabasesYaml;

    public static async Task<StdoutScenario> CreateAsync(PostgresFixture postgres, string prefix)
    {
        var (database, directory) = await CreateDatabaseAndFolderAsync(postgres, prefix);
        return new StdoutScenario(postgres.Server, database, directory);
    }

    /// <summary>A scenario on a server of the test's own (one it may stop, restart or start with TLS).</summary>
    public static async Task<StdoutScenario> CreateAsync(PostgresServer server, string database)
    {
        await server.CreateDatabaseAsync(database);
        var directory = Path.Combine(Path.GetTempPath(), "sequin-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        return new StdoutScenario(server, database, directory);
    }

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

        var yaml = DatabasesYaml + $$"""
            {{(functions.Length == 0 ? string.Empty : "functions:\n" + functions.TrimEnd() + "\n")}}
            sinks:
              - name: to-file
                database: db
            {{Indent(sinkExtra, 4)}}    destination:
                  {{destination}}

            """;
        File.WriteAllText(ConfigPath, yaml);
        return ConfigPath;
    }

    public static Task WaitForMessagesInAsync(string path, int count, ChildProcess? host = null, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(
            () => StdoutSinkOutput.Count(path) >= count,
            () => $"{count} messages in {path} (have {StdoutSinkOutput.Count(path)}); host output:\n{host?.Output}",
            timeout);

    public Task WaitForMessagesAsync(int count, ChildProcess? host = null, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(
            () => StdoutSinkOutput.Count(OutputPath) >= count,
            () => $"{count} messages in {OutputPath} (have {StdoutSinkOutput.Count(OutputPath)}); host output:\n{host?.Output}",
            timeout);
}
