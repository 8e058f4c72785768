using System.Globalization;
using System.Text;

namespace Sequin.Configuration;

/// <summary>What a change is.</summary>
internal enum ConfigChangeAction
{
    /// <summary>In the new configuration only.</summary>
    Add,

    /// <summary>In both, with different keys.</summary>
    Change,

    /// <summary>In the running configuration only.</summary>
    Remove,
}

/// <summary>One difference: a sink, function, database or top-level setting added, changed or removed.</summary>
/// <param name="Kind"><c>sink</c>, <c>function</c>, <c>database</c> or <c>setting</c>.</param>
/// <param name="Name">The item's name (a setting's top-level key).</param>
/// <param name="Action">Added, changed or removed.</param>
/// <param name="ChangedKeys">The keys whose values differ (names only, never values), for a change.</param>
/// <param name="Yaml">For an added sink: its block as <c>sequin config export</c> writes it (secrets masked); else null.</param>
internal sealed record ConfigChange(string Kind, string Name, ConfigChangeAction Action, IReadOnlyList<string> ChangedKeys, string? Yaml = null);

/// <summary>
/// The difference between the configuration a host runs and a new one (<c>sequin config plan</c>), and what of it the
/// host cannot apply without a restart. Only key names are compared and shown, never values, so no secret appears.
/// </summary>
internal sealed class ConfigPlan
{
    private ConfigPlan(IReadOnlyList<ConfigChange> changes, IReadOnlyList<string> restartNeeded)
    {
        Changes = changes;
        RestartNeeded = restartNeeded;
    }

    /// <summary>Every difference, sinks first, then functions, databases and settings.</summary>
    public IReadOnlyList<ConfigChange> Changes { get; }

    /// <summary>Why the change cannot be applied to the running host (each a sentence); empty when it can.</summary>
    public IReadOnlyList<string> RestartNeeded { get; }

    /// <summary>Whether there is any difference.</summary>
    public bool HasChanges => Changes.Count > 0;

    /// <summary>Whether the running host can apply it live.</summary>
    public bool CanApplyLive => RestartNeeded.Count == 0;

    /// <summary>The sinks to start, restart or stop, by name.</summary>
    public IEnumerable<ConfigChange> SinkChanges => Changes.Where(c => c.Kind == "sink");

    /// <summary>Compares <paramref name="running"/> with <paramref name="next"/>.</summary>
    /// <param name="running">The configuration the host runs.</param>
    /// <param name="next">The new, validated configuration.</param>
    /// <param name="readDatabases">The databases the host reads now (a sink added on another one needs a restart); null to not check.</param>
    public static ConfigPlan Compute(SequinConfig running, SequinConfig next, IReadOnlySet<string>? readDatabases = null)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(next);
        var changes = new List<ConfigChange>();
        var restart = new List<string>();

        foreach (var sink in next.Sinks)
        {
            if (running.FindSink(sink.Name) is not { } before)
            {
                changes.Add(new ConfigChange("sink", sink.Name, ConfigChangeAction.Add, [], SequinConfigExporter.ExportSink(sink)));
                continue;
            }

            var changed = SinkChangedKeys(before, running, sink, next);
            if (changed.Count > 0)
            {
                changes.Add(new ConfigChange("sink", sink.Name, ConfigChangeAction.Change, changed));
            }
        }

        changes.AddRange(running.Sinks.Where(s => next.FindSink(s.Name) is null).Select(s => new ConfigChange("sink", s.Name, ConfigChangeAction.Remove, [])));

        Compare(changes, "function", running.Functions, next.Functions, f => f.Name, f => f.Keys);
        var databaseChanges = Compare(changes, "database", running.Databases, next.Databases, d => d.Name, d => d.Keys);
        foreach (var change in databaseChanges)
        {
            var what = change.Action switch
            {
                ConfigChangeAction.Add => "was added",
                ConfigChangeAction.Remove => "was removed",
                _ => "changed (" + string.Join(", ", change.ChangedKeys) + ")",
            };
            restart.Add($"Database '{change.Name}' {what}: a host connects to its databases and replication slots only when it starts.");
        }

        foreach (var (setting, changed) in SettingChanges(running.OtherKeys, next.OtherKeys))
        {
            changes.Add(new ConfigChange("setting", setting, ConfigChangeAction.Change, changed));
            if (setting is "http" or "metrics")
            {
                restart.Add($"'{setting}' changed ({string.Join(", ", changed)}): the HTTP endpoint and the metrics export are set up only when the host starts.");
            }
        }

        if (readDatabases is not null)
        {
            foreach (var sink in next.Sinks.Where(s => s.Status == SinkStatus.Active && !readDatabases.Contains(s.Settings.Database)))
            {
                var before = running.FindSink(sink.Name);
                if (next.FindDatabase(sink.Settings.Database) is not null && running.FindDatabase(sink.Settings.Database) is not null
                    && (before is null || before.Status != SinkStatus.Active || !string.Equals(before.Settings.Database, sink.Settings.Database, StringComparison.Ordinal)))
                {
                    restart.Add($"Sink '{sink.Name}' reads database '{sink.Settings.Database}', which this host does not read (it had no active sink when the host started).");
                }
            }
        }

        return new ConfigPlan(changes, restart);
    }

    /// <summary>The plan as <c>sequin config plan</c> prints it.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        if (!HasChanges)
        {
            text.Append("No changes: the running host already runs this configuration.\n");
            return text.ToString();
        }

        var sinks = SinkChanges.ToList();
        text.Append(CultureInfo.InvariantCulture, $"Sinks: {sinks.Count(c => c.Action == ConfigChangeAction.Add)} to add, {sinks.Count(c => c.Action == ConfigChangeAction.Change)} to change (restarted alone), {sinks.Count(c => c.Action == ConfigChangeAction.Remove)} to remove.\n\n");
        foreach (var change in Changes)
        {
            var sign = change.Action switch { ConfigChangeAction.Add => '+', ConfigChangeAction.Remove => '-', _ => '~' };
            text.Append(CultureInfo.InvariantCulture, $"{sign} {change.Kind} \"{change.Name}\"");
            if (change.ChangedKeys.Count > 0)
            {
                text.Append(": ").Append(string.Join(", ", change.ChangedKeys));
            }

            text.Append('\n');
            if (change.Yaml is { } yaml)
            {
                foreach (var line in yaml.TrimEnd('\n').Split('\n'))
                {
                    text.Append("    ").Append(line).Append('\n');
                }
            }
        }

        if (!CanApplyLive)
        {
            text.Append("\nCannot be applied to the running host; restart `sequin run` to apply:\n");
            foreach (var reason in RestartNeeded)
            {
                text.Append("  - ").Append(reason).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>A sink's changed keys: its own, then each of its functions whose code or keys changed, then <c>http_endpoints</c> when it uses one.</summary>
    internal static List<string> SinkChangedKeys(SinkConfig before, SequinConfig running, SinkConfig after, SequinConfig next)
    {
        var changed = ConfigKeys.Changed(before.Keys, after.Keys);
        foreach (var (old, @new) in new[]
        {
            (before.RoutingFunction, after.RoutingFunction), (before.FilterFunction, after.FilterFunction),
            (before.TransformFunction, after.TransformFunction), (before.EnrichmentFunction, after.EnrichmentFunction),
        })
        {
            if (old is not null && @new is not null && string.Equals(old.Name, @new.Name, StringComparison.Ordinal)
                && (!string.Equals(old.Code, @new.Code, StringComparison.Ordinal) || ConfigKeys.Changed(old.Keys, @new.Keys).Count > 0))
            {
                changed.Add($"functions[{@new.Name}]");
            }
        }

        if (after.HttpEndpoint is not null && ConfigKeys.Changed(Prefixed(running.OtherKeys, "http_endpoints"), Prefixed(next.OtherKeys, "http_endpoints")).Count > 0)
        {
            changed.Add("http_endpoints");
        }

        return changed;
    }

    private static List<ConfigChange> Compare<T>(List<ConfigChange> changes, string kind, IReadOnlyList<T> before, IReadOnlyList<T> after, Func<T, string> name, Func<T, IReadOnlyDictionary<string, string?>> keys)
    {
        var found = new List<ConfigChange>();
        foreach (var item in after)
        {
            var old = before.FirstOrDefault(b => string.Equals(name(b), name(item), StringComparison.Ordinal));
            if (old is null)
            {
                found.Add(new ConfigChange(kind, name(item), ConfigChangeAction.Add, []));
            }
            else if (ConfigKeys.Changed(keys(old), keys(item)) is { Count: > 0 } changed)
            {
                found.Add(new ConfigChange(kind, name(item), ConfigChangeAction.Change, changed));
            }
        }

        found.AddRange(before.Where(b => !after.Any(a => string.Equals(name(a), name(b), StringComparison.Ordinal))).Select(b => new ConfigChange(kind, name(b), ConfigChangeAction.Remove, [])));
        changes.AddRange(found);
        return found;
    }

    private static IEnumerable<(string Setting, List<string> Changed)> SettingChanges(IReadOnlyDictionary<string, string?> before, IReadOnlyDictionary<string, string?> after)
    {
        var settings = before.Keys.Concat(after.Keys).Select(k => k.Split(':')[0].ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal);
        foreach (var setting in settings)
        {
            var changed = ConfigKeys.Changed(Prefixed(before, setting), Prefixed(after, setting));
            if (changed.Count > 0)
            {
                yield return (setting, changed.Select(c => setting + (c.Length == 0 || c.StartsWith('[') ? c : "." + c)).ToList());
            }
        }
    }

    private static Dictionary<string, string?> Prefixed(IReadOnlyDictionary<string, string?> keys, string prefix) =>
        keys.Where(k => k.Key.Equals(prefix, StringComparison.OrdinalIgnoreCase) || k.Key.StartsWith(prefix + ":", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(k => k.Key.Length == prefix.Length ? string.Empty : k.Key[(prefix.Length + 1)..], k => k.Value, StringComparer.OrdinalIgnoreCase);
}
