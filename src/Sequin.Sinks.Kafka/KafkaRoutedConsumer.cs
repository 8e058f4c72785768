using System.Runtime.CompilerServices;
using Sequin.Messages;

namespace Sequin.Sinks.Kafka;

/// <summary>
/// Kafka routing: keys <c>topic</c> (required, 1-255 characters, no whitespace, Kafka's topic characters) and
/// <c>message_key</c> (optional, 1-512 characters, no whitespace). The default topic is
/// <c>sequin.&lt;schema&gt;.&lt;table&gt;</c>; in static mode the sink's <c>topic</c> replaces it. Without a
/// <c>message_key</c>, the pipeline keys a message by its group id (the primary key values joined by <c>:</c>).
/// </summary>
public sealed class KafkaRoutedConsumer : RoutedConsumer<KafkaSinkOptions>
{
    /// <summary>The <c>topic</c> route key.</summary>
    public const string TopicKey = "topic";

    /// <summary>The <c>message_key</c> route key.</summary>
    public const string MessageKeyKey = "message_key";

    private static readonly IReadOnlyList<RoutableKey> RouteKeys =
    [
        new RoutableKey(TopicKey, "The Kafka topic.") { Required = true, MaxLength = KafkaSinkSchema.MaxTopicLength, AllowWhitespace = false },
        new RoutableKey(MessageKeyKey, "The Kafka message key (decides the partition); defaults to the group id.") { MaxLength = 512, AllowWhitespace = false },
    ];

    // Keyed by relation instance: a schema change brings a new RelationInfo, so entries never go stale.
    private readonly ConditionalWeakTable<RelationInfo, string> _defaultTopics = [];

    /// <inheritdoc />
    public override IReadOnlyList<RoutableKey> Keys => RouteKeys;

    /// <inheritdoc />
    public override string DefaultRoutingFunction =>
        """
        function route(action, record, changes, metadata) {
          var route = { topic: "sequin." + metadata.table_schema + "." + metadata.table_name };
          if (metadata.record_pks.length > 0) {
            route.message_key = metadata.record_pks.join(":");
          }
          return route;
        }
        """;

    /// <summary>The default topic of a table: <c>sequin.&lt;schema&gt;.&lt;table&gt;</c>.</summary>
    public static string DefaultTopic(RelationInfo relation)
    {
        ArgumentNullException.ThrowIfNull(relation);
        return "sequin." + relation.Schema + "." + relation.Table;
    }

    /// <inheritdoc />
    public override void ApplyDefaultRoute(ChangeMessage message, Route route)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(route);
        route[TopicKey] = _defaultTopics.GetValue(message.Relation, DefaultTopic);
    }

    /// <inheritdoc />
    public override string? Validate(Route route)
    {
        ArgumentNullException.ThrowIfNull(route);
        var topic = route[TopicKey];
        if (topic is null)
        {
            return null;
        }

        if (!IsValidTopicName(topic))
        {
            return $"Route key 'topic' value \"{topic}\" is not a valid Kafka topic name: use only ASCII letters, digits, '.', '_' and '-', and not '.' or '..'.";
        }

        return null;
    }

    /// <inheritdoc />
    protected override void ApplyStaticRoute(KafkaSinkOptions options, Route route)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(route);
        if (options.Topic is not null)
        {
            route[TopicKey] = options.Topic;
        }
    }

    /// <summary>Whether a name uses only Kafka's topic characters (ASCII letters, digits, <c>.</c>, <c>_</c>, <c>-</c>) and is not <c>.</c> or <c>..</c>.</summary>
    internal static bool IsValidTopicName(string topic) => topic is not ("." or "..") && topic.Length > 0 && topic.All(IsTopicChar);

    private static bool IsTopicChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
