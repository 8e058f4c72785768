using System.Buffers;
using System.Text.Json;
using Sequin.Functions.Engines;
using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Functions;

/// <summary>
/// Checks a user function when the configuration loads, as the original does: the source size, that it parses,
/// that it declares its entry point, and that it runs once on a synthetic message (an update of a
/// <c>public.characters</c> row) and returns what its kind must return. Used by <c>sequin validate</c> and at start.
/// </summary>
internal static class FunctionValidator
{
    /// <summary>
    /// Validates a function. Syntax errors and runtime errors (throws, time-outs, endless loops, deep recursion, wrong
    /// return type) come back with the function's name and, where known, line and column. For a routing function given
    /// the sink's <paramref name="routing"/>, returned keys the sink does not know and values that are not strings or
    /// numbers are errors too; whether a value passes the key's rules depends on real data and is checked per message.
    /// </summary>
    /// <param name="function">The function.</param>
    /// <param name="routing">For a routing function, the routing of the sink type it is for; optional.</param>
    /// <param name="limits">The limits to run it with. Default: <see cref="FunctionLimits.Default"/>.</param>
    /// <returns>The errors; empty when the function is valid.</returns>
    public static IReadOnlyList<FunctionError> Validate(FunctionDefinition function, IRoutedConsumer? routing = null, FunctionLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        limits ??= FunctionLimits.Default;
        if (string.IsNullOrWhiteSpace(function.Name))
        {
            return [new FunctionError(function.Name ?? string.Empty, "A function needs a name.", null, null)];
        }

        try
        {
            var instance = JintFunctionEngine.Shared.Compile(function, limits).CreateInstance();

            // One call only: the function's thread exits now rather than idle for a while.
            using var release = instance as IDisposable;
            var input = new FunctionInput(SyntheticMessageJson());
            switch (function.Kind)
            {
                case FunctionKind.Filter:
                    instance.InvokeFilter(input);
                    return [];
                case FunctionKind.Transform:
                    instance.InvokeTransform(input);
                    return [];
                default:
                    var entries = new List<RouteEntry>();
                    instance.InvokeRoute(input, entries);
                    return routing is null ? [] : CheckRouteShape(function, routing, entries);
            }
        }
        catch (FunctionException e)
        {
            return [e.Error with { FunctionName = function.Name }];
        }
    }

    /// <summary>The synthetic message functions are tried on: an update of a <c>public.characters</c> row.</summary>
    public static ChangeMessage CreateSyntheticMessage()
    {
        var relation = new RelationInfo(
            16384,
            "public",
            "characters",
            [
                new RelationColumn("id", PgTypeOids.Int8, -1, IsKey: true),
                new RelationColumn("name", PgTypeOids.Text, -1, IsKey: false),
                new RelationColumn("house", PgTypeOids.Text, -1, IsKey: false),
                new RelationColumn("planet", PgTypeOids.Varchar, 259, IsKey: false),
                new RelationColumn("is_active", PgTypeOids.Bool, -1, IsKey: false),
                new RelationColumn("tags", 1009, -1, IsKey: false),
                new RelationColumn("metadata", PgTypeOids.Jsonb, -1, IsKey: false),
                new RelationColumn("updated_at", PgTypeOids.Timestamptz, -1, IsKey: false),
            ]);
        var record = new RowImage(relation,
        [
            ColumnValue.FromText("1"),
            ColumnValue.FromText("Paul Atreides"),
            ColumnValue.FromText("Atreides"),
            ColumnValue.FromText("Arrakis"),
            ColumnValue.FromText("t"),
            ColumnValue.FromText("{heir,fremen}"),
            ColumnValue.FromText("{\"hair_color\": \"dark\", \"age\": 15}"),
            ColumnValue.FromText("2025-03-01 10:00:00.123456+00"),
        ]);
        var old = new RowImage(relation,
        [
            ColumnValue.FromText("1"),
            ColumnValue.FromText("Paul Atreides"),
            ColumnValue.FromText("Atreides"),
            ColumnValue.FromText("Caladan"),
            ColumnValue.FromText("t"),
            ColumnValue.FromText("{heir}"),
            ColumnValue.FromText("{\"hair_color\": \"dark\", \"age\": 15}"),
            ColumnValue.FromText("2025-02-01 09:00:00+00"),
        ]);
        var transaction = new TransactionInfo(23728496, new DateTimeOffset(2025, 3, 1, 10, 0, 0, 130, TimeSpan.Zero), 1234);
        var source = new SourceDatabaseInfo("synthetic-db", "dune", "dune", "localhost");
        return new ChangeMessage(ChangeAction.Update, record, old, transaction, 0, source, "{\"actor\": \"validator\"}");
    }

    /// <summary>The synthetic message's JSON.</summary>
    internal static ReadOnlyMemory<byte> SyntheticMessageJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ChangeMessageJsonWriter.Write(writer, CreateSyntheticMessage(), new ConsumerInfo("synthetic-sink", "synthetic-sink"), TimestampFormat.Iso8601);
        }

        return buffer.WrittenMemory;
    }

    private static List<FunctionError> CheckRouteShape(FunctionDefinition function, IRoutedConsumer routing, List<RouteEntry> entries)
    {
        var errors = new List<FunctionError>();
        var known = routing.Keys.Select(k => k.Name).ToArray();
        foreach (var entry in entries)
        {
            if (!known.Contains(entry.Key, StringComparer.Ordinal))
            {
                errors.Add(new FunctionError(
                    function.Name,
                    $"Routing function '{function.Name}' returned unknown key '{entry.Key}'; the routable keys of this sink type are: {string.Join(", ", known)}.",
                    null,
                    null));
            }
            else if (entry.Kind == RouteValueKind.Map && !routing.Keys.Any(k => k.IsMap && string.Equals(k.Name, entry.Key, StringComparison.Ordinal)))
            {
                errors.Add(new FunctionError(
                    function.Name,
                    $"Routing function '{function.Name}' returned an object for key '{entry.Key}': route values must be strings or numbers.",
                    null,
                    null));
            }
            else if (entry.Kind == RouteValueKind.Other)
            {
                errors.Add(new FunctionError(
                    function.Name,
                    $"Routing function '{function.Name}' returned {entry.Text} for key '{entry.Key}': route values must be strings or numbers.",
                    null,
                    null));
            }
        }

        return errors;
    }
}
