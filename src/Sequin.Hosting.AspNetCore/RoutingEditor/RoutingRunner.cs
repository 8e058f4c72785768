using System.Text;
using Npgsql;
using Sequin.Backfills;
using Sequin.Configuration;
using Sequin.Functions;
using Sequin.Messages;
using Sequin.Routing;
using Sequin.Sinks;

namespace Sequin.Hosting.AspNetCore.RoutingEditor;

/// <summary>
/// Runs a routing function on a sample message for the routing editor, through <see cref="RoutingTrial"/> (what
/// <c>sequin functions test</c> runs): the route, group id and payload the runtime would produce, or the error with line
/// and column.
/// </summary>
internal static class RoutingRunner
{
    /// <summary>The outcome of a run whose sample table no sink reads (the API answers 403).</summary>
    public const string Refused = "refused";

    private static readonly ConsumerInfo EditorConsumer = new("routing-editor", "routing-editor");

    /// <summary>Runs <paramref name="request"/>; a missing sink type or sample comes back as a failed run naming why.</summary>
    public static async Task<RoutingRunView> RunAsync(RoutingRunRequest request, ISinkPluginCatalog catalog, SequinConfig? host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(catalog);
        SinkConfig? sink = null;
        FunctionKind kind = FunctionKind.Routing;
        if (!string.IsNullOrWhiteSpace(request.Sink))
        {
            sink = host?.FindSink(request.Sink.Trim());
            if (sink is null)
            {
                return Failed($"No sink named '{request.Sink}' is configured.", "none", null);
            }

            if (SinkFunctions.Kind(request.Function) is not { } chosen)
            {
                return Failed($"Unknown function '{request.Function}': routing, filter or transform.", "none", null);
            }

            kind = chosen;
            request = request with { Type = sink.Type };
        }

        if (string.IsNullOrWhiteSpace(request.Type) || !catalog.TryGetPlugin(request.Type.Trim(), out var plugin))
        {
            return Failed($"Unknown sink type '{request.Type}'. {SinkReader.KnownTypes(catalog)}", "none", null);
        }

        var (message, sample, error) = await SampleAsync(request, host, cancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            return Failed(error!, sample, request.Message);
        }

        var sampleJson = Encoding.UTF8.GetString(ChangeMessageJsonWriter.ToUtf8Bytes(message, EditorConsumer, TimestampFormat.Iso8601));
        var edited = new FunctionDefinition("routing-editor", kind, request.Code ?? string.Empty) { SinkType = kind == FunctionKind.Routing ? plugin.TypeName : null };
        var options = sink is null
            ? new MessageProcessorOptions
            {
                Routing = plugin.Routing,
                Consumer = EditorConsumer,
                Mode = RoutingMode.Dynamic,
                RoutingFunction = edited,
            }
            : SinkFunctions.WithEdited(sink.CreateProcessorOptions(), edited);
        var trial = RoutingTrial.Run(options, message, messageGrouping: true);
        return new RoutingRunView(
            trial.Outcome.ToString().ToLowerInvariant(),
            [.. trial.Route.Select(r => new RouteValueView(r.Key, r.Value))],
            trial.GroupId,
            trial.Payload,
            trial.Error,
            trial.FunctionError?.Line,
            trial.FunctionError?.Column,
            sample,
            sampleJson);
    }

    /// <summary>The sample message: the JSON given, the newest row of a table, or the synthetic message.</summary>
    private static async Task<(ChangeMessage? Message, string Sample, string? Error)> SampleAsync(RoutingRunRequest request, SequinConfig? host, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(request.Message))
        {
            try
            {
                return (ChangeMessageJsonReader.Read(Encoding.UTF8.GetBytes(request.Message)), "message", null);
            }
            catch (FormatException e)
            {
                return (null, "message", $"The sample message is not a message as sinks receive it: {e.Message}");
            }
        }

        if (string.IsNullOrWhiteSpace(request.Table))
        {
            return (FunctionValidator.CreateSyntheticMessage(), "synthetic", null);
        }

        var table = request.Table.Trim();
        var sample = "table " + table;
        var database = host?.Databases.FirstOrDefault(d => string.IsNullOrWhiteSpace(request.Database) || string.Equals(d.Name, request.Database.Trim(), StringComparison.Ordinal));
        if (database is null)
        {
            return (null, sample, host is null || host.Databases.Count == 0
                ? "This host has no database configured to read a sample row from: paste a message instead."
                : $"No database named '{request.Database}'. This host's databases: {string.Join(", ", host.Databases.Select(d => d.Name))}.");
        }

        try
        {
            var message = await LatestRowReader.ReadAsync(database, host!.Sinks, table, cancellationToken).ConfigureAwait(false);
            return message is null ? (null, sample, $"Table '{table}' in database '{database.Name}' has no rows yet.") : (message, sample, null);
        }
        catch (SampleTableRefusedException e)
        {
            return (null, Refused, e.Message);
        }
        catch (BackfillFailedException e)
        {
            return (null, sample, e.Message);
        }
        catch (NpgsqlException e)
        {
            return (null, sample, $"Reading a sample row from database '{database.Name}' failed: {e.Message}");
        }
    }

    private static RoutingRunView Failed(string error, string sample, string? sampleJson) =>
        new(sample == Refused ? Refused : "failed", [], null, null, error, null, null, sample == Refused ? "none" : sample, sampleJson);
}
