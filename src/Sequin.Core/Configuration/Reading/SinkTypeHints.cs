namespace Sequin.Configuration;

/// <summary>
/// For a <c>destination.type</c> no loaded plugin handles: the plugin package that provides it, or, for a sink type of
/// the original Sequin, that this project has none.
/// </summary>
internal static class SinkTypeHints
{
    private static readonly Dictionary<string, string> Plugins = new(StringComparer.OrdinalIgnoreCase)
    {
        ["kafka"] = "Sequin.Sinks.Kafka",
        ["sqs"] = "Sequin.Sinks.Sqs",
        ["sns"] = "Sequin.Sinks.Sns",
        ["typesense"] = "Sequin.Sinks.Typesense",
        ["stdout"] = "Sequin.Sinks.Stdout",
        ["redis_string"] = "Sequin.Sinks.Redis",
        ["redis_stream"] = "Sequin.Sinks.Redis",
        ["redis"] = "Sequin.Sinks.Redis",
        ["nats"] = "Sequin.Sinks.Nats",
        ["rabbitmq"] = "Sequin.Sinks.RabbitMq",
        ["webhook"] = "Sequin.Sinks.Webhook",
        ["postgres"] = "Sequin.Sinks.Postgres",
    };

    private static readonly HashSet<string> OriginalOnly = new(StringComparer.OrdinalIgnoreCase)
    {
        "http_push", "redis", "redis_stream", "redis_string", "rabbitmq", "gcp_pubsub", "azure_event_hub",
        "nats", "s2", "kinesis", "meilisearch", "elasticsearch", "sequin_stream", "benchmark",
    };

    /// <summary>A sentence (ending in a space) on where <paramref name="type"/> comes from, or empty when unknown.</summary>
    public static string For(string type)
    {
        if (Plugins.TryGetValue(type, out var plugin))
        {
            return $"It is provided by the plugin {plugin}, which is not loaded: put it in plugins/{plugin}/ (run 'sequin plugins' to see what is loaded). ";
        }

        return OriginalOnly.Contains(type)
            ? $"'{type}' is a sink type of the original Sequin that this project has no plugin for; keep the original for this sink, or write a plugin (docs/how-to/write-a-sink.md). "
            : string.Empty;
    }
}
