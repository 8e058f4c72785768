using System.CommandLine;
using System.Globalization;
using Npgsql;
using Sequin.Configuration;
using Sequin.Parking;

namespace Sequin.Host.Cli;

/// <summary>
/// <c>sequin messages list|retry|discard</c>: the parked messages of a sink (and the records of discarded ones), in
/// <c>sequin_state</c> of each sink's source database (docs/reference/failures.md). Works with or without a running host:
/// a running host sees a retry request within seconds and a discard at its next attempt of the group.
/// </summary>
internal static class MessagesCommand
{
    private const string DefaultDiscardReason = "discarded by an operator (sequin messages discard)";

    public static Command Create(SequinCliOptions options) =>
        new("messages", "Parked messages (failed, moved out of memory so the slot advances) and discarded ones.")
        {
            CreateList(options),
            CreateRetry(options),
            CreateDiscard(options),
        };

    private static Option<string?> SinkOption() => new("--sink") { Description = "Only this sink's messages (its name in sequin.yaml)." };

    private static Option<long[]> IdOption() => new("--id")
    {
        Description = "The parked message ids (from `sequin messages list`); repeat or separate with spaces. Needs --sink when sequin.yaml has several databases.",
        AllowMultipleArgumentsPerToken = true,
    };

    private static Command CreateList(SequinCliOptions options)
    {
        var config = CliOptions.Config();
        var plugins = CliOptions.PluginsDirectory();
        var sink = SinkOption();
        var discarded = new Option<bool>("--discarded") { Description = "List the records of discarded messages instead of parked ones." };
        var limit = new Option<int>("--limit") { Description = "At most this many per database (1-10000).", DefaultValueFactory = _ => 100 };
        var after = new Option<long>("--after") { Description = "Only ids greater than this (to page through a long list)." };
        var command = new Command("list", "Lists parked messages (or, with --discarded, discarded ones): id, sink, table, action, group, position, attempts, last error.")
        {
            config, plugins, sink, discarded, limit, after,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var output = parseResult.InvocationConfiguration.Output;
            var max = parseResult.GetValue(limit);
            if (max is < 1 or > 10_000)
            {
                error.WriteLine($"--limit must be between 1 and 10000 (got {max}).");
                return 1;
            }

            var targets = Resolve(options, parseResult.GetValue(config)!, parseResult.GetValue(plugins), parseResult.GetValue(sink), ids: false, error);
            if (targets is null)
            {
                return 1;
            }

            var showDiscarded = parseResult.GetValue(discarded);
            var total = 0;
            foreach (var target in targets)
            {
                var listed = await RunAsync(target, error, store => store.ListAsync(target.Sink, showDiscarded, parseResult.GetValue(after), max, cancellationToken)).ConfigureAwait(false);
                if (listed is null)
                {
                    return 1;
                }

                total += listed.Count;
                foreach (var m in listed)
                {
                    output.WriteLine(Format(target.Database, m, showDiscarded));
                }
            }

            var what = showDiscarded ? "discarded" : "parked";
            (total == 0 ? output : error).WriteLine(total == 0 ? $"No {what} messages." : $"{total} {what} message(s).");
            return 0;
        });
        return command;
    }

    private static Command CreateRetry(SequinCliOptions options)
    {
        var config = CliOptions.Config();
        var plugins = CliOptions.PluginsDirectory();
        var sink = SinkOption();
        var ids = IdOption();
        var all = new Option<bool>("--all") { Description = "Every parked message of every sink." };
        var command = new Command("retry", "Makes parked messages due now (a running host tries them within seconds; a stopped one when it starts).")
        {
            config, plugins, sink, ids, all,
        };
        command.SetAction((parseResult, cancellationToken) => ChangeAsync(
            options, parseResult, config, plugins, sink, ids, all, "retry",
            (store, target, selected) => store.RetryNowAsync(target.Sink, selected, cancellationToken),
            count => $"{count} parked message(s) due now."));
        return command;
    }

    private static Command CreateDiscard(SequinCliOptions options)
    {
        var config = CliOptions.Config();
        var plugins = CliOptions.PluginsDirectory();
        var sink = SinkOption();
        var ids = IdOption();
        var all = new Option<bool>("--all") { Description = "Every parked message of every sink." };
        var reason = new Option<string>("--reason") { Description = "Recorded with each discarded message.", DefaultValueFactory = _ => DefaultDiscardReason };
        var command = new Command("discard", "Discards parked messages: they are never delivered, and a record of each is kept in sequin_state.discarded_messages.")
        {
            config, plugins, sink, ids, all, reason,
        };
        command.SetAction((parseResult, cancellationToken) => ChangeAsync(
            options, parseResult, config, plugins, sink, ids, all, "discard",
            (store, target, selected) => store.DiscardParkedAsync(target.Sink, selected, parseResult.GetValue(reason)!, cancellationToken),
            count => $"{count} parked message(s) discarded (recorded in sequin_state.discarded_messages)."));
        return command;
    }

    private static async Task<int> ChangeAsync(
        SequinCliOptions options,
        ParseResult parseResult,
        Option<string> config,
        Option<string?> plugins,
        Option<string?> sink,
        Option<long[]> ids,
        Option<bool> all,
        string verb,
        Func<PostgresParkingStore, Target, IReadOnlyList<long>?, Task<int>> change,
        Func<int, string> report)
    {
        var error = parseResult.InvocationConfiguration.Error;
        var sinkName = parseResult.GetValue(sink);
        var selected = parseResult.GetValue(ids) is { Length: > 0 } given ? given : null;
        if (sinkName is null && selected is null && !parseResult.GetValue(all))
        {
            error.WriteLine($"Say which parked messages to {verb}: --sink <name>, --id <id>..., or --all.");
            return 1;
        }

        var targets = Resolve(options, parseResult.GetValue(config)!, parseResult.GetValue(plugins), sinkName, ids: selected is not null, error);
        if (targets is null)
        {
            return 1;
        }

        var total = 0;
        foreach (var target in targets)
        {
            var count = await RunAsync<int?>(target, error, async store => await change(store, target, selected).ConfigureAwait(false)).ConfigureAwait(false);
            if (count is not { } n)
            {
                return 1;
            }

            total += n;
        }

        parseResult.InvocationConfiguration.Output.WriteLine(report(total));
        return selected is not null && total < selected.Length ? 2 : 0;
    }

    /// <summary>Where to look: one sink's database, or every database of the file (each once).</summary>
    private static List<Target>? Resolve(SequinCliOptions options, string configPath, string? pluginsDirectory, string? sinkName, bool ids, TextWriter error)
    {
        var result = CliConfigLoader.Load(configPath, CliConfigLoader.LoadCatalog(options, pluginsDirectory), options);
        if (!result.IsValid)
        {
            CliConfigLoader.WriteErrors(error, configPath, result.Errors);
            return null;
        }

        var config = result.Config!;
        if (sinkName is not null)
        {
            if (config.FindSink(sinkName) is not { } sink)
            {
                error.WriteLine($"No sink named '{sinkName}' in {configPath}. Sinks: {string.Join(", ", config.Sinks.Select(s => s.Name))}.");
                return null;
            }

            return [new Target(config.FindDatabase(sink.Settings.Database)!, sinkName)];
        }

        if (ids && config.Databases.Count > 1)
        {
            error.WriteLine($"Ids are per database and {configPath} has {config.Databases.Count}: add --sink <name> to say which.");
            return null;
        }

        return [.. config.Databases.Select(d => new Target(d, null))];
    }

    private static async Task<T?> RunAsync<T>(Target target, TextWriter error, Func<PostgresParkingStore, Task<T>> action)
    {
        var store = new PostgresParkingStore(target.Database.BuildConnectionString());
        await using (store.ConfigureAwait(false))
        {
            try
            {
                return await action(store).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                error.WriteLine($"Database {target.Database.Name} ({target.Database.Hostname}:{target.Database.Port}/{target.Database.Database}): {ex.Message}");
                return default;
            }
        }
    }

    private static string Format(DatabaseConfig database, ParkedMessageInfo m, bool discarded)
    {
        var at = m.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var error = (m.Error ?? string.Empty).ReplaceLineEndings(" ");
        if (error.Length > 300)
        {
            error = string.Concat(error.AsSpan(0, 300), "…");
        }

        var lsn = new NpgsqlTypes.NpgsqlLogSequenceNumber(m.CommitLsn);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{m.Id}\t{database.Name}\t{m.Sink}\t{m.Table}\t{m.Action}\tgroup={m.GroupId ?? "-"}\tcommit={lsn}/{m.CommitIdx}\tattempts={m.FailedAttempts}\t{(discarded ? "discarded" : "next")}={at}\t{error}");
    }

    private sealed record Target(DatabaseConfig Database, string? Sink);
}
