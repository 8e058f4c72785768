using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Sequin.Backfills;
using NpgsqlTypes;
using Sequin.Configuration;
using Sequin.Diagnostics;
using Sequin.Functions;
using Sequin.Messages;
using Sequin.Parking;
using Sequin.Pipeline;
using Sequin.Replication;
using Sequin.Runtime;
using Sequin.Sinks;

namespace Sequin.Hosting;

/// <summary>
/// Runs a <see cref="SequinConfig"/>: per database a <see cref="ReplicationSource"/> feeding the
/// <see cref="SinkConsumer"/>s of its active sinks through a <see cref="ChangeDispatcher"/>, acknowledging to
/// PostgreSQL only what every sink has delivered. <see cref="RunAsync"/> runs until cancelled, then stops reading,
/// gives in-flight batches <see cref="SequinRuntimeOptions.DrainTimeout"/>, acknowledges what was delivered, and
/// releases the sinks. Hosted by <see cref="SequinHostedService"/>; usable on its own.
/// </summary>
internal sealed class SequinRuntime
{
    private readonly SequinConfig _config;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly SequinMetrics _metrics;
    private readonly SequinRuntimeOptions _options;
    private readonly ILogger _logger;
    private readonly List<SinkConsumer> _consumers = [];
    private readonly List<ReplicationStatus> _replication = [];
    private readonly Dictionary<string, PostgresParkingStore> _parkingStores = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NpgsqlDataSource> _enrichmentSources = new(StringComparer.Ordinal);

    /// <summary>Creates a runtime for <paramref name="config"/>.</summary>
    /// <param name="config">The validated configuration.</param>
    /// <param name="services">Services sinks may use (<c>IHttpClientFactory</c>, ...); passed on in <see cref="SinkContext.Services"/>.</param>
    /// <param name="loggerFactory">Creates the runtime's and the sinks' loggers; null logs nothing.</param>
    /// <param name="timeProvider">The clock; null for the system clock.</param>
    /// <param name="metrics">The <c>Sequin.Core</c> meter; null creates a private one.</param>
    /// <param name="options">Shutdown and replication overrides; null for the defaults.</param>
    public SequinRuntime(
        SequinConfig config,
        IServiceProvider services,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        SequinMetrics? metrics = null,
        SequinRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(services);
        _config = config;
        _services = services;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _metrics = metrics ?? new SequinMetrics();
        _options = options ?? new SequinRuntimeOptions();
        _logger = _loggerFactory.CreateLogger("Sequin.Runtime");
    }

    /// <summary>The running sink consumers (empty before <see cref="RunAsync"/> starts them); for diagnostics and tests.</summary>
    public IReadOnlyList<SinkConsumer> Consumers
    {
        get
        {
            lock (_consumers)
            {
                return [.. _consumers];
            }
        }
    }

    /// <summary>The replication status of every database being read (empty before <see cref="RunAsync"/> prepares them); for health checks.</summary>
    public IReadOnlyList<ReplicationStatus> Replication
    {
        get
        {
            lock (_replication)
            {
                return [.. _replication];
            }
        }
    }

    /// <summary>The number of active sinks in the configuration: every one has a consumer once the runtime runs.</summary>
    public int ActiveSinkCount => _config.Sinks.Count(s => s.Status == SinkStatus.Active);

    /// <summary>
    /// Creates every active sink, prepares every database (publication, slot), then streams until
    /// <paramref name="cancellationToken"/> is cancelled, and stops gracefully. Returns normally after a requested
    /// stop.
    /// </summary>
    /// <exception cref="InvalidOperationException">A database cannot replicate (wal_level, missing slot or publication), or a sink cannot be created.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var active = _config.Sinks.Where(s => s.Status == SinkStatus.Active).ToList();
        foreach (var skipped in _config.Sinks.Where(s => s.Status != SinkStatus.Active))
        {
            RuntimeLog.SinkSkipped(_logger, skipped.Name, skipped.Status.ToString().ToLowerInvariant());
        }

        RuntimeLog.Starting(_logger, _config.Databases.Count, active.Count);
        var sinks = new List<RunningSink>();
        var databases = new List<RunningDatabase>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            foreach (var sink in active)
            {
                sinks.Add(CreateSink(sink));
            }

            foreach (var database in _config.Databases)
            {
                var consumers = sinks.Where(s => s.Consumer.Settings.Database == database.Name).Select(s => s.Consumer).ToList();
                if (consumers.Count == 0)
                {
                    RuntimeLog.DatabaseIdle(_logger, database.Name);
                    continue;
                }

                var sourceOptions = BuildSourceOptions(database);
                var source = new ReplicationSource(sourceOptions, _loggerFactory.CreateLogger<ReplicationSource>(), _time);
                var start = await DatabaseAwaiter.PrepareAsync(database, source, _logger, _time, stop.Token).ConfigureAwait(false);
                await GroupColumnCheck.CheckAsync(sourceOptions.ConnectionString, database.Name, active.Where(s => s.Settings.Database == database.Name), stop.Token).ConfigureAwait(false);
                RuntimeLog.DatabaseStarting(_logger, database.Name, database.Slot.Name, new NpgsqlLogSequenceNumber(start).ToString(), string.Join(", ", consumers.Select(c => c.Name)));
                var coordinator = new BackfillCoordinator(new ChangeDispatcher(consumers));
                var initial = active.Where(s => s.InitialBackfill is not null && s.Settings.Database == database.Name).ToDictionary(s => s.Name, s => s.InitialBackfill!, StringComparer.Ordinal);
                var backfills = new BackfillSupervisor(
                    database.Name, sourceOptions.ConnectionString, database.Publication.Name, source.Source, consumers, initial, coordinator,
                    _options.Backfills, _loggerFactory.CreateLogger("Sequin.Backfills"), _time);
                databases.Add(new RunningDatabase(database, source, new AckTracker(start), coordinator, backfills));
            }

            foreach (var sink in sinks)
            {
                await sink.Consumer.StartAsync(stop.Token).ConfigureAwait(false);
            }

            var watching = sinks.Select(s => WatchAsync(s.Consumer, stop)).ToList();
            var reading = databases.Select(d => ReadAsync(d, stop)).ToList();
            var backfilling = databases.Select(d => d.Backfills.RunAsync(stop.Token)).ToList();
            await Task.WhenAll(reading).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(watching).ConfigureAwait(false);
            await Task.WhenAll(backfilling).ConfigureAwait(false);
            if (watching.Select(w => w.Result).FirstOrDefault(e => e is not null) is { } crash)
            {
                throw crash;
            }

            var failure = reading.Select(r => r.Result).FirstOrDefault(e => e is not null);
            if (failure is not null)
            {
                throw new InvalidOperationException($"Replication stopped: {failure.Message}", failure);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A requested stop while preparing.
        }
        catch (Exception e) when (PrivilegeErrors.Explain(e, _config.Databases) is { } missingGrant)
        {
            // A missing privilege (permission denied) is reported with the grant to add.
            RuntimeLog.Failed(_logger, null, missingGrant.Message);
            throw missingGrant;
        }
        catch (Exception e)
        {
            RuntimeLog.Failed(_logger, e is InvalidOperationException ? null : e, e.Message);
            throw;
        }
        finally
        {
            await StopAsync(sinks, databases).ConfigureAwait(false);
            lock (_replication)
            {
                // A database whose slot PostgreSQL invalidated stays listed, so the health checks report why it stopped.
                foreach (var status in _replication.Where(s => s.SlotFailure is null))
                {
                    _metrics.Unregister(status);
                }

                _replication.RemoveAll(s => s.SlotFailure is null);
            }
        }
    }

    /// <summary>
    /// Waits until <paramref name="consumer"/> crashes (a worker partition's loop failed) or the runtime stops. A crashed
    /// consumer can never deliver the messages it holds, so its database can no longer acknowledge: the crash is logged
    /// as an error and stops the runtime (no silent stall).
    /// </summary>
    private async Task<Exception?> WatchAsync(SinkConsumer consumer, CancellationTokenSource stop)
    {
        Exception crash;
        try
        {
            crash = await consumer.Crashed.WaitAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        var reason = $"{crash.GetType().Name}: {crash.Message}";
        RuntimeLog.SinkCrashed(_logger, crash, consumer.Name, consumer.Settings.Database, reason);
        await stop.CancelAsync().ConfigureAwait(false);
        return new InvalidOperationException(
            $"Sink '{consumer.Name}' stopped: a worker partition failed ({reason}). Its undelivered changes stay unacknowledged in database '{consumer.Settings.Database}' and are read again after a restart.",
            crash);
    }

    private async Task<Exception?> ReadAsync(RunningDatabase database, CancellationTokenSource stop)
    {
        try
        {
            await database.Source.RunAsync(database.Dispatcher, database.Tracker, stop.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return null;
        }
#pragma warning disable CA1031 // One database failing stops them all; the failure is reported by RunAsync.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // A failure that explains itself (a missing or recreated slot, wal_level) needs no stack trace.
            RuntimeLog.DatabaseFailed(_logger, e is InvalidOperationException ? null : e, database.Config.Name, e.Message);
            await stop.CancelAsync().ConfigureAwait(false);
            return e;
        }
    }

    private async Task StopAsync(List<RunningSink> sinks, List<RunningDatabase> databases)
    {
        RuntimeLog.Draining(_logger, _options.DrainTimeout);
        using (var drain = new CancellationTokenSource(_options.DrainTimeout, _time))
        {
            await Task.WhenAll(sinks.Select(s => s.Consumer.StopAsync(drain.Token))).ConfigureAwait(false);
        }

        foreach (var database in databases)
        {
            var lsn = database.Tracker.GetConfirmableLsn();
            var text = new NpgsqlLogSequenceNumber(lsn).ToString();
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), _time);
                if (await database.Source.AdvanceSlotAsync(lsn, TimeSpan.FromSeconds(5), timeout.Token).ConfigureAwait(false))
                {
                    RuntimeLog.FinalAck(_logger, database.Config.Name, text, database.Config.Slot.Name);
                }
            }
#pragma warning disable CA1031 // The final acknowledgement is an optimisation: without it, delivered changes are read again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                RuntimeLog.FinalAckFailed(_logger, e, database.Config.Name, text, database.Config.Slot.Name);
            }
        }

        foreach (var sink in sinks)
        {
            await sink.Consumer.DisposeAsync().ConfigureAwait(false);
            await sink.Pipeline.DisposeAsync().ConfigureAwait(false);
            await sink.Client.DisposeAsync().ConfigureAwait(false);
        }

        lock (_consumers)
        {
            _consumers.Clear();
        }

        foreach (var store in _parkingStores.Values)
        {
            await store.DisposeAsync().ConfigureAwait(false);
        }

        _parkingStores.Clear();
        foreach (var source in _enrichmentSources.Values)
        {
            await source.DisposeAsync().ConfigureAwait(false);
        }

        _enrichmentSources.Clear();
        RuntimeLog.Stopped(_logger);
    }

    private RunningSink CreateSink(SinkConfig sink)
    {
        var settings = sink.Settings;
        var context = new SinkContext(settings.Consumer, sink.RoutingMode, _services, _loggerFactory, _time);
        ISinkClient client;
        ISinkPipeline pipeline;
        try
        {
            client = sink.Plugin.CreateClient(sink.Options, context);
            pipeline = sink.Plugin.CreatePipeline(sink.Options, client, context);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or NotSupportedException)
        {
            throw new InvalidOperationException($"Sink '{sink.Name}' ({sink.Type}) could not be created: {e.Message}", e);
        }

        var processors = sink.CreateProcessorFactory();
        var consumer = new SinkConsumer(settings, pipeline, processors, _loggerFactory.CreateLogger("Sequin.Sinks." + sink.Name), _time, _metrics, GetParkingStore(settings.Database))
        {
            Enrichment = sink.EnrichmentFunction is { } enrichment && GetEnrichmentSource(settings.Database) is { } source
                ? new EnrichmentQuery(enrichment.Name, enrichment.Code, source, EnrichmentQuery.DefaultTimeout)
                : null,
        };
        lock (_consumers)
        {
            _consumers.Add(consumer);
        }

        return new RunningSink(client, pipeline, consumer);
    }

    // Enrichment queries run against the sink's source database: one small pool per database, shared by its sinks.
    private NpgsqlDataSource? GetEnrichmentSource(string databaseName)
    {
        if (_config.Databases.FirstOrDefault(d => d.Name == databaseName) is not { } database)
        {
            return null;
        }

        if (!_enrichmentSources.TryGetValue(databaseName, out var source))
        {
            var builder = new NpgsqlConnectionStringBuilder(database.BuildConnectionString())
            {
                MaxPoolSize = EnrichmentQuery.MaxPoolSize,
                ApplicationName = "sequin-enrichment",
            };
            source = NpgsqlDataSource.Create(builder);
            _enrichmentSources.Add(databaseName, source);
        }

        return source;
    }

    // Parked messages live in the sink's source database (schema sequin_state); one store per database.
    private PostgresParkingStore? GetParkingStore(string databaseName)
    {
        if (_config.Databases.FirstOrDefault(d => d.Name == databaseName) is not { } database)
        {
            return null;
        }

        if (!_parkingStores.TryGetValue(databaseName, out var store))
        {
            store = new PostgresParkingStore(database.BuildConnectionString());
            _parkingStores.Add(databaseName, store);
        }

        return store;
    }

    private ReplicationSourceOptions BuildSourceOptions(DatabaseConfig database)
    {
        var options = new ReplicationSourceOptions
        {
            ConnectionString = database.BuildConnectionString(),
            SlotName = database.Slot.Name,
            PublicationName = database.Publication.Name,
            CreateSlotIfNotExists = database.Slot.CreateIfNotExists,
            SlotFailover = database.Slot.Failover,
            CreatePublicationIfNotExists = database.Publication.CreateIfNotExists,
            PublicationInitSql = database.Publication.InitSql,
            WalLagWarningBytes = database.WalWarnings.RetainedBytes,
            UndeliveredAgeWarning = database.WalWarnings.UndeliveredAge,
            Source = new SourceDatabaseInfo(database.Name, database.Name, database.Database, database.Hostname, database.AnnotationsJson),
        };
        _options.ConfigureReplication?.Invoke(options);
        options.Validate();
        options.Status = new ReplicationStatus(database.Name, _metrics);
        lock (_replication)
        {
            _replication.Add(options.Status);
        }

        _metrics.Register(options.Status);
        return options;
    }

    private sealed record RunningSink(ISinkClient Client, ISinkPipeline Pipeline, SinkConsumer Consumer);

    private sealed record RunningDatabase(DatabaseConfig Config, ReplicationSource Source, AckTracker Tracker, BackfillCoordinator Dispatcher, BackfillSupervisor Backfills);
}
