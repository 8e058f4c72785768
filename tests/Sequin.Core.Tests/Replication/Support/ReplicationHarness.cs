using System.Text.Json;
using Sequin.Messages;
using Sequin.Replication;
using Sequin.Runtime;
using Sequin.TestServers;

namespace Sequin.Core.Tests.Replication.Support;

/// <summary>A database of its own with a slot and publication, and a running <see cref="ReplicationSource"/> reading it.</summary>
internal sealed class ReplicationHarness : IAsyncDisposable
{
    public static readonly ConsumerInfo Consumer = new("consumer-id", "test-consumer");

    private readonly CancellationTokenSource _stop = new();

    private ReplicationHarness(PostgresServer server, string database, ReplicationSourceOptions options)
    {
        Server = server;
        Database = database;
        Options = options;
        Source = new ReplicationSource(options, Logger.For<ReplicationSource>());
    }

    public PostgresServer Server { get; }

    public ListLogger Logger { get; } = new();

    public string Database { get; }

    public ReplicationSourceOptions Options { get; }

    public ReplicationSource Source { get; }

    public RecordingChangeHandler Handler { get; } = new();

    public AckTracker Tracker { get; private set; } = new();

    public Task? Run { get; private set; }

    public string SlotName => Options.SlotName;

    /// <summary>Creates a database, runs <paramref name="setupSql"/>, creates slot and publication; does not start reading.</summary>
    public static async Task<ReplicationHarness> CreateAsync(PostgresFixture fixture, string setupSql, Action<ReplicationSourceOptions>? configure = null)
    {
        var database = await fixture.CreateDatabaseAsync("repl");
        return await CreateAsync(fixture.Server, database, setupSql, configure);
    }

    /// <summary>Like the fixture's overload, on <paramref name="database"/> (existing) of <paramref name="server"/>.</summary>
    public static async Task<ReplicationHarness> CreateAsync(PostgresServer server, string database, string setupSql, Action<ReplicationSourceOptions>? configure = null)
    {
        if (!string.IsNullOrWhiteSpace(setupSql))
        {
            await server.ExecuteAsync(setupSql, database);
        }

        var options = new ReplicationSourceOptions
        {
            ConnectionString = server.ConnectionString(database),
            SlotName = database + "_slot",
            PublicationName = database + "_pub",
            CreateSlotIfNotExists = true,
            CreatePublicationIfNotExists = true,
            StatusInterval = TimeSpan.FromMilliseconds(100),
            HeartbeatInterval = TimeSpan.Zero,
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromSeconds(1),
            Source = new SourceDatabaseInfo("db-id", "test-db", database, "127.0.0.1"),
        };
        configure?.Invoke(options);
        var harness = new ReplicationHarness(server, database, options);
        var start = await harness.Source.PrepareAsync(CancellationToken.None);
        harness.Tracker = new AckTracker(start);
        return harness;
    }

    /// <summary>Starts reading in the background.</summary>
    public ReplicationHarness Start()
    {
        Run = Task.Run(() => Source.RunAsync(Handler, Tracker, _stop.Token));
        return this;
    }

    public Task ExecuteAsync(string sql) => Server.ExecuteAsync(sql, Database);

    public Task<T?> ScalarAsync<T>(string sql) => Server.ScalarAsync<T>(sql, Database);

    /// <summary>The slot's confirmed_flush_lsn.</summary>
    public async Task<ulong> ConfirmedFlushLsnAsync()
    {
        var text = await Server.ScalarAsync<string>(
            $"SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '{SlotName}'", Database);
        return ParseLsn(text!);
    }

    /// <summary>pg_current_wal_lsn().</summary>
    public async Task<ulong> CurrentWalLsnAsync() =>
        ParseLsn((await Server.ScalarAsync<string>("SELECT pg_current_wal_lsn()::text", Database))!);

    public static ulong ParseLsn(string text)
    {
        var slash = text.IndexOf('/');
        return (Convert.ToUInt64(text[..slash], 16) << 32) | Convert.ToUInt64(text[(slash + 1)..], 16);
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + (what ?? "condition"));
            }

            await Task.Delay(25);
        }
    }

    /// <summary>The default JSON of a message, parsed.</summary>
    public static JsonElement Json(ChangeMessage message, TimestampFormat format = TimestampFormat.Iso8601)
    {
        using var document = JsonDocument.Parse(ChangeMessageJsonWriter.ToUtf8Bytes(message, Consumer, format));
        return document.RootElement.Clone();
    }

    /// <summary>The raw JSON text of one top-level field of the message's default JSON (record, changes, action, metadata).</summary>
    public static string Field(ChangeMessage message, string field, TimestampFormat format = TimestampFormat.Iso8601) =>
        Json(message, format).GetProperty(field).GetRawText();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (Run is not null)
        {
            try
            {
                await Run;
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
    }
}
