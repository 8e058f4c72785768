using System.Globalization;

namespace Sequin.Configuration;

/// <summary>
/// Keys of the original Sequin's <c>sequin.yaml</c> for things this project does not have. Each is declared, so that
/// it is not an "unknown field", and gives one line naming the key and what to do: a warning where ignoring it is
/// harmless, an error where ignoring it would change what is delivered. See <c>docs/how-to/migrate-from-sequin.md</c>.
/// </summary>
internal static class OriginalKeys
{
    private const string Guide = "See docs/how-to/migrate-from-sequin.md.";

    /// <summary>
    /// Reads the top-level keys other than <c>databases</c>, <c>functions</c> and <c>sinks</c>, then reports what is left:
    /// a map (such as a holder of YAML anchors, <c>base_sink_config: &amp;base ...</c>) is ignored with a warning; any
    /// other unknown key is an error.
    /// </summary>
    public static void ReadTopLevel(ConfigMap top)
    {
        top.Ignored("account", $"Ignored: this project has no accounts (one process, one config); remove the key. {Guide}");
        top.Ignored("users", $"Ignored: this project has no web console or users; remove the key. {Guide}");
        top.Ignored("api_tokens", $"Ignored: the management API takes one bearer token, http.token (or SEQUIN_HTTP_TOKEN); remove the key. {Guide}");
        top.Ignored(
            "change_retentions",
            $"Not supported: this project does not write change retention tables, so these changes would not be kept. Stream them to a sink instead, or keep the original for them. {Guide}",
            isError: true);

        var known = new[] { "databases", "functions", "sinks", "http", "health", "metrics", "account", "users", "api_tokens", "http_endpoints", "change_retentions" };
        foreach (var child in top.Section.GetChildren())
        {
            if (known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (child.Value is null && child.GetChildren().Any(c => !int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                top.Warning(child.Key, "Not a Sequin key; ignored (a map that only holds YAML anchors for other keys is fine).");
            }
            else
            {
                top.Error(child.Key, $"Unknown field. Known fields: {string.Join(", ", known)}.");
            }
        }
    }

    /// <summary>
    /// Reads a sink's keys of the original that change nothing here: <c>load_shedding_policy</c> (validated; this
    /// project always pauses reading when a sink's buffer is full) and the keys an export of the original holds or its
    /// loader ignored (<c>id</c>, <c>health</c>, <c>active_backfills</c>, ...).
    /// </summary>
    public static void ReadSink(ConfigMap sink)
    {
        var policy = sink.String("load_shedding_policy")?.Trim();
        if (string.Equals(policy, "discard_on_full", StringComparison.OrdinalIgnoreCase))
        {
            sink.Warning(
                "load_shedding_policy",
                "discard_on_full is not applied: a sink whose buffer (max_memory_mb) is full pauses reading and loses nothing (pause_on_full). The original did not apply it either; remove the key.");
        }
        else if (policy is not null && !string.Equals(policy, "pause_on_full", StringComparison.OrdinalIgnoreCase))
        {
            sink.Error("load_shedding_policy", $"Must be one of pause_on_full, discard_on_full (got '{policy}').");
        }

        foreach (var key in new[] { "id", "inserted_at", "updated_at", "health", "consumer_start", "active_backfill", "active_backfills", "message_kind" })
        {
            sink.Ignored(key, "Ignored: the original's export or loader ignores this key too; remove it.");
        }
    }
}
