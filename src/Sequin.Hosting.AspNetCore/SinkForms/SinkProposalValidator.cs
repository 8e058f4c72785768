using System.Globalization;
using Microsoft.Extensions.Configuration;
using Sequin.Configuration;
using Sequin.Sinks;

namespace Sequin.Hosting.AspNetCore.SinkForms;

/// <summary>
/// Validates a <see cref="SinkProposal"/> with the parser of <c>sequin validate</c>: the proposal becomes the
/// configuration keys its YAML block would give (a <c>sinks:</c> item, and a <c>functions:</c> item for its routing
/// function), which <see cref="SequinConfigLoader"/> reads with the plugin's own schema. Errors come back by form field;
/// on success the block to add to <c>sequin.yaml</c> (<see cref="SinkProposalYaml"/>).
/// </summary>
internal static class SinkProposalValidator
{
    private const string SinkPath = "sinks[0]";

    /// <summary>Validates <paramref name="proposal"/> for the sink type <paramref name="plugin"/>.</summary>
    /// <param name="plugin">The sink type.</param>
    /// <param name="proposal">What the form holds.</param>
    /// <param name="catalog">The loaded plugins (the parser resolves <c>destination.type</c> through it).</param>
    /// <param name="host">The running host's configuration, whose databases the sink must name; null when there is none.</param>
    /// <returns>The result for the form, and the sink as the runtime would configure it when valid (for a connection test).</returns>
    public static (SinkProposalResult Result, SinkConfig? Sink) Validate(ISinkPlugin plugin, SinkProposal proposal, ISinkPluginCatalog catalog, SequinConfig? host)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(catalog);
        var mapErrors = new List<FieldErrorView>();
        var keys = Keys(plugin, proposal, mapErrors);
        var loaded = SequinConfigLoader.Load(new ConfigurationBuilder().AddInMemoryCollection(keys).Build(), catalog);
        var errors = loaded.Errors.Select(e => new FieldErrorView(FieldOf(e.Path), e.Path, e.Message)).Concat(mapErrors).ToList();
        var database = proposal.Database?.Trim();
        if (host is not null && !string.IsNullOrEmpty(database) && !host.Databases.Any(d => string.Equals(d.Name, database, StringComparison.Ordinal)))
        {
            var known = host.Databases.Count == 0 ? "This host defines no databases." : $"This host's databases: {string.Join(", ", host.Databases.Select(d => d.Name))}.";
            errors.Add(new FieldErrorView("database", SinkPath + ".database", $"Database '{database}' is not defined in this host's sequin.yaml. {known}"));
        }

        if (errors.Count > 0)
        {
            return (new SinkProposalResult(false, errors, null, []), null);
        }

        var (yaml, variables) = SinkProposalYaml.Write(plugin, proposal);
        return (new SinkProposalResult(true, [], yaml, variables), loaded.Config!.Sinks[0]);
    }

    /// <summary>The name the block gives the sink's routing function: <c>&lt;sink&gt;-routing</c>.</summary>
    public static string FunctionName(SinkProposal proposal) => (proposal.Name?.Trim() is { Length: > 0 } name ? name : "sink") + "-routing";

    /// <summary>The routing function's source with <c>\n</c> line ends (a browser's form sends <c>\r\n</c>), so that it is written as a block.</summary>
    public static string FunctionCode(SinkProposal proposal) => (proposal.RoutingFunction ?? string.Empty).ReplaceLineEndings("\n");

    /// <summary>The destination values given (non-empty, trimmed), in the schema's field order, then any unknown keys.</summary>
    public static IEnumerable<KeyValuePair<string, string>> GivenValues(ISinkPlugin plugin, SinkProposal proposal)
    {
        var given = (proposal.Destination ?? new Dictionary<string, string?>())
            .Where(v => !string.IsNullOrWhiteSpace(v.Value) && !string.Equals(v.Key, "type", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(v => v.Key, v => v.Value!.Trim(), StringComparer.OrdinalIgnoreCase);
        foreach (var field in plugin.Schema.Fields)
        {
            if (given.Remove(field.Name, out var value))
            {
                yield return new(field.Name, value);
            }
        }

        foreach (var unknown in given)
        {
            yield return unknown;
        }
    }

    /// <summary>The configuration keys the proposal's YAML block gives, with a placeholder database of its name.</summary>
    private static Dictionary<string, string?> Keys(ISinkPlugin plugin, SinkProposal proposal, List<FieldErrorView> errors)
    {
        var maps = plugin.Schema.Fields.Where(f => f.Type == SinkFieldType.Map).Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var database = proposal.Database?.Trim();
        if (!string.IsNullOrEmpty(database))
        {
            // The databases themselves are the host's business (checked against its configuration above); the parser
            // only needs the name to exist.
            keys["databases:0:name"] = database;
            keys["databases:0:hostname"] = "localhost";
            keys["databases:0:database"] = "postgres";
            keys["databases:0:username"] = "postgres";
            keys["databases:0:slot:name"] = "sequin_slot";
            keys["databases:0:publication:name"] = "sequin_pub";
            keys["sinks:0:database"] = database;
        }

        keys["sinks:0:name"] = proposal.Name?.Trim();
        var tables = (proposal.Tables ?? []).Select(t => t.Trim()).Where(t => t.Length > 0).ToList();
        for (var i = 0; i < tables.Count; i++)
        {
            keys[string.Create(CultureInfo.InvariantCulture, $"sinks:0:source:include_tables:{i}")] = tables[i];
        }

        if (proposal.IsDynamic)
        {
            var function = FunctionName(proposal);
            keys["functions:0:name"] = function;
            keys["functions:0:type"] = "routing";
            keys["functions:0:sink_type"] = plugin.TypeName;
            keys["functions:0:code"] = FunctionCode(proposal);
            keys["sinks:0:routing"] = function;
        }

        keys["sinks:0:destination:type"] = plugin.TypeName;
        foreach (var (key, value) in GivenValues(plugin, proposal))
        {
            if (!maps.Contains(key))
            {
                keys["sinks:0:destination:" + key] = value;
                continue;
            }

            // A map: one key per entry, as its YAML map would give.
            var (entries, error) = SinkProposalMap.Parse(value);
            if (error is not null)
            {
                errors.Add(new FieldErrorView(key, $"{SinkPath}.destination.{key}", error));
            }

            foreach (var (name, text) in entries)
            {
                keys[$"sinks:0:destination:{key}:{name}"] = text;
            }
        }

        return keys;
    }

    /// <summary>The form field an error path belongs to.</summary>
    internal static string FieldOf(string path)
    {
        if (path.StartsWith("functions", StringComparison.Ordinal) || path.StartsWith(SinkPath + ".routing", StringComparison.Ordinal))
        {
            return "routing_function";
        }

        if (!path.StartsWith(SinkPath + ".", StringComparison.Ordinal))
        {
            return string.Empty;
        }

        var rest = path[(SinkPath.Length + 1)..];
        if (rest.StartsWith("destination.", StringComparison.Ordinal))
        {
            return Head(rest["destination.".Length..]);
        }

        return Head(rest) switch
        {
            "source" => "tables",
            "name" => "name",
            "database" => "database",
            _ => string.Empty,
        };
    }

    private static string Head(string path)
    {
        var end = path.IndexOfAny(['.', '[']);
        return end < 0 ? path : path[..end];
    }
}
