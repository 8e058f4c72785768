using System.CommandLine;
using Npgsql;
using Sequin.Backfills;
using Sequin.Configuration;

namespace Sequin.Host.Cli;

/// <summary>
/// <c>sequin backfill start|status|cancel</c>: works on the backfills table (<c>sequin_state.backfills</c>) of each
/// sink's source database, like <c>sequin messages</c>, with or without a running host. A running host picks up a
/// started backfill and notices a cancel within its poll interval (2 s); a stopped one does so when it starts.
/// </summary>
internal static class BackfillCommand
{
    public static Command Create(SequinCliOptions options) =>
        new("backfill", "Backfills: `read` messages for the rows a table already holds, consistent with the live stream.")
        {
            CreateStart(options),
            CreateStatus(options),
            CreateCancel(options),
        };

    private static Command CreateStart(SequinCliOptions options)
    {
        var config = CliOptions.Config();
        var plugins = CliOptions.PluginsDirectory();
        var sink = new Option<string>("--sink") { Description = "The sink to backfill (its name in sequin.yaml).", Required = true };
        var table = new Option<string>("--table") { Description = "The table: schema.table, or a bare name in schema public.", Required = true };
        var sortColumn = new Option<string?>("--sort-column") { Description = "A partial backfill: the column whose order it follows (needs --start-position)." };
        var start = new Option<string?>("--start-position") { Description = "A partial backfill: the sort column value to start at, as PostgreSQL text (e.g. 2025-01-01T00:00:00Z)." };
        var command = new Command("start", "Starts a backfill of a table for a sink; a running host begins it within seconds.")
        {
            config, plugins, sink, table, sortColumn, start,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var sort = parseResult.GetValue(sortColumn);
            var from = parseResult.GetValue(start);
            if ((sort is null) != (from is null))
            {
                error.WriteLine("A partial backfill needs both --sort-column and --start-position.");
                return 1;
            }

            var request = new BackfillRequest(parseResult.GetValue(table)!, sort is null ? BackfillKind.Full : BackfillKind.Partial, sort, from);
            var sinkName = parseResult.GetValue(sink)!;
            var databases = Resolve(options, parseResult, config, plugins, sinkName, error);
            if (databases is null)
            {
                return 1;
            }

            var created = await RunAsync(databases[0], error, store => store.CreateAsync(sinkName, request, cancellationToken)).ConfigureAwait(false);
            if (created is null)
            {
                return 1;
            }

            parseResult.InvocationConfiguration.Output.WriteLine(
                $"Backfill {created.Id} of {request.QualifiedTable} for sink '{sinkName}' created; a running host starts it within seconds (a stopped one when it starts). Follow it with: sequin backfill status --watch");
            return 0;
        });
        return command;
    }

    private static Command CreateStatus(SequinCliOptions options)
    {
        var config = CliOptions.Config();
        var plugins = CliOptions.PluginsDirectory();
        var sink = new Option<string?>("--sink") { Description = "Only this sink's backfills." };
        var active = new Option<bool>("--active") { Description = "Only backfills that are still running (or waiting to)." };
        var watch = new Option<bool>("--watch") { Description = "Keep showing progress until every listed backfill has ended: a live progress bar in a terminal, a line per backfill and interval otherwise." };
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes with --watch.", DefaultValueFactory = _ => 2 };
        var command = new Command("status", "Shows backfills: state, rows read and delivered, rate, estimated time left.")
        {
            config, plugins, sink, active, watch, interval,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var output = parseResult.InvocationConfiguration.Output;
            var seconds = parseResult.GetValue(interval);
            if (seconds is < 0.1 or > 3600)
            {
                error.WriteLine($"--interval must be between 0.1 and 3600 seconds (got {seconds}).");
                return 1;
            }

            var sinkName = parseResult.GetValue(sink);
            var databases = Resolve(options, parseResult, config, plugins, sinkName, error);
            if (databases is null)
            {
                return 1;
            }

            var sinks = sinkName is null ? null : new[] { sinkName };
            var activeOnly = parseResult.GetValue(active);
            async Task<IReadOnlyList<BackfillRecord>?> ListAsync(CancellationToken token)
            {
                var all = new List<BackfillRecord>();
                foreach (var database in databases)
                {
                    var listed = await RunAsync(database, error, store => store.ListAsync(sinks, activeOnly, token)).ConfigureAwait(false);
                    if (listed is null)
                    {
                        return null;
                    }

                    all.AddRange(listed);
                }

                return all;
            }

            if (!parseResult.GetValue(watch))
            {
                var listed = await ListAsync(cancellationToken).ConfigureAwait(false);
                if (listed is null)
                {
                    return 1;
                }

                foreach (var record in listed)
                {
                    output.WriteLine(BackfillStatusLine.Format(record, DateTimeOffset.UtcNow));
                }

                (listed.Count == 0 ? output : error).WriteLine(listed.Count == 0 ? "No backfills." : $"{listed.Count} backfill(s).");
                return 0;
            }

            var every = TimeSpan.FromSeconds(seconds);
            var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            return interactive
                ? await BackfillWatch.ProgressBarsAsync(Spectre.Console.AnsiConsole.Console, ListAsync, every, cancellationToken).ConfigureAwait(false)
                : await BackfillWatch.LinesAsync(ListAsync, output, every, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Command CreateCancel(SequinCliOptions options)
    {
        var config = CliOptions.Config();
        var plugins = CliOptions.PluginsDirectory();
        var sink = new Option<string?>("--sink") { Description = "The backfill's sink (finds its database faster when sequin.yaml has several)." };
        var id = new Option<Guid>("--id") { Description = "The backfill id (from `sequin backfill status`).", Required = true };
        var command = new Command("cancel", "Cancels a running backfill: no further page is read; pages already read still deliver.")
        {
            config, plugins, sink, id,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var databases = Resolve(options, parseResult, config, plugins, parseResult.GetValue(sink), error);
            if (databases is null)
            {
                return 1;
            }

            var backfill = parseResult.GetValue(id);
            foreach (var database in databases)
            {
                if (await RunAsync(database, error, store => store.GetAsync(backfill, cancellationToken)).ConfigureAwait(false) is not { } record)
                {
                    continue;
                }

                var cancelled = await RunAsync(database, error, store => store.FinishAsync(backfill, BackfillStatus.Cancelled, "cancelled by an operator (sequin backfill cancel)", cancellationToken)).ConfigureAwait(false);
                if (cancelled)
                {
                    parseResult.InvocationConfiguration.Output.WriteLine($"Backfill {backfill} of {record.Request.QualifiedTable} for sink '{record.Sink}' cancelled after {record.RowsRead} rows.");
                    return 0;
                }

                error.WriteLine($"Backfill {backfill} is already {record.Status.ToString().ToLowerInvariant()}.");
                return 2;
            }

            error.WriteLine($"No backfill {backfill}.");
            return 2;
        });
        return command;
    }

    /// <summary>The databases to look in: the sink's, or every database of the file.</summary>
    private static List<DatabaseConfig>? Resolve(SequinCliOptions options, ParseResult parseResult, Option<string> config, Option<string?> plugins, string? sinkName, TextWriter error)
    {
        var configPath = parseResult.GetValue(config)!;
        var result = CliConfigLoader.Load(configPath, CliConfigLoader.LoadCatalog(options, parseResult.GetValue(plugins)), options);
        if (!result.IsValid)
        {
            CliConfigLoader.WriteErrors(error, configPath, result.Errors);
            return null;
        }

        var loaded = result.Config!;
        if (sinkName is null)
        {
            return [.. loaded.Databases];
        }

        if (loaded.FindSink(sinkName) is not { } sink)
        {
            error.WriteLine($"No sink named '{sinkName}' in {configPath}. Sinks: {string.Join(", ", loaded.Sinks.Select(s => s.Name))}.");
            return null;
        }

        return [loaded.FindDatabase(sink.Settings.Database)!];
    }

    private static async Task<T?> RunAsync<T>(DatabaseConfig database, TextWriter error, Func<BackfillStore, Task<T>> action)
    {
        var store = new BackfillStore(database.BuildConnectionString());
        await using (store.ConfigureAwait(false))
        {
            try
            {
                return await action(store).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or ArgumentException or InvalidOperationException)
            {
                error.WriteLine($"Database {database.Name} ({database.Hostname}:{database.Port}/{database.Database}): {ex.Message}");
                return default;
            }
        }
    }
}
