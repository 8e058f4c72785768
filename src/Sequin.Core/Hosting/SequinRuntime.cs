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
internal sealed partial class SequinRuntime
{
    private SequinConfig _config;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly SequinMetrics _metrics;
    private readonly SequinRuntimeOptions _options;
    private readonly ILogger _logger;
    private readonly List<SinkConsumer> _consumers = [];
    private readonly List<ReplicationStatus> _replication = [];
    private readonly HashSet<string> _readDatabases = new(StringComparer.Ordinal);

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

    /// <summary>The configuration the runtime runs: the one it was created with, or the last one applied live (<see cref="ApplyAsync"/>).</summary>
    public SequinConfig Config => Volatile.Read(ref _config);

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
    public int ActiveSinkCount => Config.Sinks.Count(s => s.Status == SinkStatus.Active);

    /// <summary>
    /// Per database with active sinks: takes the database's leader lock (standing by while another host holds it), then
    /// creates its sinks, prepares it (publication, slot) and streams until <paramref name="cancellationToken"/> is
    /// cancelled, and stops gracefully. Returns normally after a requested stop.
    /// </summary>
    /// <exception cref="InvalidOperationException">A database cannot replicate (wal_level, missing slot or publication), or a sink cannot be created.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var config = Config;
        var active = config.Sinks.Where(s => s.Status == SinkStatus.Active).ToList();
        foreach (var skipped in config.Sinks.Where(s => s.Status != SinkStatus.Active))
        {
            RuntimeLog.SinkSkipped(_logger, skipped.Name, skipped.Status.ToString().ToLowerInvariant());
        }

        RuntimeLog.Starting(_logger, config.Databases.Count, active.Count);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var runs = new List<Task>();
        try
        {
            foreach (var database in config.Databases)
            {
                var sinks = active.Where(s => s.Settings.Database == database.Name).ToList();
                if (sinks.Count == 0)
                {
                    RuntimeLog.DatabaseIdle(_logger, database.Name);
                    continue;
                }

                lock (_readDatabases)
                {
                    _readDatabases.Add(database.Name);
                }

                var status = new ReplicationStatus(database.Name, _metrics);
                lock (_replication)
                {
                    _replication.Add(status);
                }

                _metrics.Register(status);
                runs.Add(StopAllOnFailureAsync(LeadAsync(database, status, stop.Token), stop));
            }

            try
            {
                await Task.WhenAll(runs).ConfigureAwait(false);
            }
            catch (Exception) when (runs.Any(r => r.IsFaulted))
            {
                // The first real failure is thrown below; the others stopped because of it.
            }

            var failure = runs.Where(r => r.IsFaulted).Select(r => r.Exception!.InnerException!).FirstOrDefault(e => e is not OperationCanceledException);
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A requested stop while preparing.
        }
        catch (Exception e) when (PrivilegeErrors.Explain(e, Config.Databases) is { } missingGrant)
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
            lock (_replication)
            {
                // A database whose slot PostgreSQL invalidated stays listed, so the health checks report why it stopped.
                foreach (var status in _replication.Where(s => s.SlotFailure is null))
                {
                    _metrics.Unregister(status);
                }

                _replication.RemoveAll(s => s.SlotFailure is null);
            }

            RuntimeLog.Stopped(_logger);
        }
    }

    private static async Task StopAllOnFailureAsync(Task run, CancellationTokenSource stop)
    {
        try
        {
            await run.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// One term of leadership of <paramref name="database"/>: creates its sinks, prepares it, and reads it until
    /// <paramref name="term"/> is cancelled (a requested stop, or the lock lost: <see cref="Term.Fenced"/>) or reading
    /// fails; then stops (<see cref="StopTermAsync"/>).
    /// </summary>
    private async Task RunTermAsync(DatabaseConfig database, ReplicationStatus status, Term term)
    {
        var stop = term.Stop;
        RunningDatabase? running = null;
        try
        {
            // Each term runs the sinks configured now: those applied live since the host started included.
            var config = Config;
            var active = ActiveSinks(config, database.Name);
            foreach (var sink in active)
            {
                term.Add(CreateSink(sink, config, term));
            }

            var consumers = term.SinksNow().Select(s => s.Consumer).ToList();
            var sourceOptions = BuildSourceOptions(database, status);
            var source = new ReplicationSource(sourceOptions, _loggerFactory.CreateLogger<ReplicationSource>(), _time);
            var start = await DatabaseAwaiter.PrepareAsync(database, source, _logger, _time, stop.Token).ConfigureAwait(false);
            await GroupColumnCheck.CheckAsync(sourceOptions.ConnectionString, database.Name, active, stop.Token).ConfigureAwait(false);
            RuntimeLog.DatabaseStarting(_logger, database.Name, database.Slot.Name, new NpgsqlLogSequenceNumber(start).ToString(), string.Join(", ", consumers.Select(c => c.Name)));
            var dispatcher = new ChangeDispatcher(consumers);
            var coordinator = new BackfillCoordinator(dispatcher);
            var initial = active.Where(s => s.InitialBackfill is not null).ToDictionary(s => s.Name, s => s.InitialBackfill!, StringComparer.Ordinal);
            var backfills = new BackfillSupervisor(
                database.Name, sourceOptions.ConnectionString, database.Publication.Name, source.Source, consumers, initial, coordinator,
                _options.Backfills, _loggerFactory.CreateLogger("Sequin.Backfills"), _time);
            running = new RunningDatabase(database, source, new AckTracker(start), coordinator, backfills, dispatcher);

            foreach (var consumer in consumers)
            {
                await consumer.StartAsync(stop.Token).ConfigureAwait(false);
            }

            foreach (var consumer in consumers)
            {
                term.Watch(WatchAsync(consumer, term));
            }

            // From here on, live configuration changes apply to this term; one applied while it started applies now.
            await RegisterLiveAsync(term, running, config, stop.Token).ConfigureAwait(false);
            var backfilling = backfills.RunAsync(stop.Token);
            var failure = await ReadAsync(running, term).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            var watching = term.WatchersNow();
            await Task.WhenAll(watching).ConfigureAwait(false);
            await backfilling.ConfigureAwait(false);
            if (watching.Select(w => w.Result).FirstOrDefault(e => e is not null) is { } crash)
            {
                throw crash;
            }

            if (failure is not null)
            {
                throw new InvalidOperationException($"Replication stopped: {failure.Message}", failure);
            }
        }
        finally
        {
            await StopTermAsync(term, running).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until <paramref name="consumer"/> crashes (a worker partition's loop failed) or the term stops. A crashed
    /// consumer can never deliver the messages it holds, so its database can no longer acknowledge: the crash is logged
    /// as an error and stops the runtime (no silent stall).
    /// </summary>
    private async Task<Exception?> WatchAsync(SinkConsumer consumer, Term term)
    {
        Exception crash;
        try
        {
            crash = await consumer.Crashed.WaitAsync(term.Stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        var reason = $"{crash.GetType().Name}: {crash.Message}";
        RuntimeLog.SinkCrashed(_logger, crash, consumer.Name, consumer.Settings.Database, reason);
        await term.Stop.CancelAsync().ConfigureAwait(false);
        return new InvalidOperationException(
            $"Sink '{consumer.Name}' stopped: a worker partition failed ({reason}). Its undelivered changes stay unacknowledged in database '{consumer.Settings.Database}' and are read again after a restart.",
            crash);
    }

    private async Task<Exception?> ReadAsync(RunningDatabase database, Term term)
    {
        var stop = term.Stop;
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
        catch (Exception) when (term.Fenced)
        {
            // The sinks were stopped under the reader because the lock was lost: not a failure of the database.
            return null;
        }
        catch (Exception e)
#pragma warning restore CA1031
        {
            // A failure that explains itself (a missing or recreated slot, wal_level) needs no stack trace.
            RuntimeLog.DatabaseFailed(_logger, e is InvalidOperationException ? null : e, database.Config.Name, e.Message);
            await stop.CancelAsync().ConfigureAwait(false);
            return e;
        }
    }

    /// <summary>
    /// Ends a term: drains the sinks (for up to <see cref="SequinRuntimeOptions.DrainTimeout"/>) and acknowledges what
    /// they delivered; a fenced term drains nothing and acknowledges nothing (its sinks were already stopped, in-flight
    /// deliveries cancelled). Then releases the sinks and the term's parking store and enrichment pool.
    /// </summary>
    private async Task StopTermAsync(Term term, RunningDatabase? database)
    {
        await UnregisterLiveAsync(term).ConfigureAwait(false);
        if (!term.Fenced)
        {
            RuntimeLog.Draining(_logger, _options.DrainTimeout);
        }

        using (var drain = new CancellationTokenSource(term.Fenced ? TimeSpan.Zero : _options.DrainTimeout, _time))
        {
            await Task.WhenAll(term.SinksNow().Select(s => s.Consumer.StopAsync(drain.Token))).ConfigureAwait(false);
        }

        if (database is not null && !term.Fenced)
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

        foreach (var sink in term.SinksNow())
        {
            await sink.Consumer.DisposeAsync().ConfigureAwait(false);
            await sink.Pipeline.DisposeAsync().ConfigureAwait(false);
            await sink.Client.DisposeAsync().ConfigureAwait(false);
            term.Remove(sink);
            lock (_consumers)
            {
                _consumers.Remove(sink.Consumer);
            }
        }

        if (term.Parking is { } parking)
        {
            await parking.DisposeAsync().ConfigureAwait(false);
        }

        if (term.Enrichment is { } enrichment)
        {
            await enrichment.DisposeAsync().ConfigureAwait(false);
        }
    }

    private RunningSink CreateSink(SinkConfig sink, SequinConfig config, Term term, bool register = true)
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
        var consumer = new SinkConsumer(settings, pipeline, processors, _loggerFactory.CreateLogger("Sequin.Sinks." + sink.Name), _time, _metrics, GetParkingStore(term))
        {
            Enrichment = sink.EnrichmentFunction is { } enrichment && GetEnrichmentSource(term) is { } source
                ? new EnrichmentQuery(enrichment.Name, enrichment.Code, source, EnrichmentQuery.DefaultTimeout)
                : null,
        };
        if (register)
        {
            lock (_consumers)
            {
                _consumers.Add(consumer);
            }
        }

        return new RunningSink(client, pipeline, consumer, sink, config);
    }

    // Enrichment queries run against the sink's source database: one small pool per database and term, shared by its sinks.
    private static NpgsqlDataSource GetEnrichmentSource(Term term)
    {
        if (term.Enrichment is null)
        {
            var builder = new NpgsqlConnectionStringBuilder(term.Database.BuildConnectionString())
            {
                MaxPoolSize = EnrichmentQuery.MaxPoolSize,
                ApplicationName = "sequin-enrichment",
            };
            term.Enrichment = NpgsqlDataSource.Create(builder);
        }

        return term.Enrichment;
    }

    // Parked messages live in the sink's source database (schema sequin_state); one store per database and term.
    private static PostgresParkingStore GetParkingStore(Term term) =>
        term.Parking ??= new PostgresParkingStore(term.Database.BuildConnectionString());

    private ReplicationSourceOptions BuildSourceOptions(DatabaseConfig database, ReplicationStatus status)
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
        options.Status = status;
        return options;
    }

    private static List<SinkConfig> ActiveSinks(SequinConfig config, string database) =>
        config.Sinks.Where(s => s.Status == SinkStatus.Active && string.Equals(s.Settings.Database, database, StringComparison.Ordinal)).ToList();

    /// <summary>A running sink, and the configuration it was created from (<paramref name="Root"/>: the whole file, for the functions and endpoints it uses).</summary>
    private sealed record RunningSink(ISinkClient Client, ISinkPipeline Pipeline, SinkConsumer Consumer, SinkConfig Config, SequinConfig Root);

    private sealed record RunningDatabase(DatabaseConfig Config, ReplicationSource Source, AckTracker Tracker, BackfillCoordinator Dispatcher, BackfillSupervisor Backfills, ChangeDispatcher Consumers);
}
