using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Benchmarks;

/// <summary>A Kafka-like routing (topic, message_key) as the real Kafka sink has it, for benchmarks.</summary>
public sealed class BenchKafkaRoutedConsumer : RoutedConsumer<BenchKafkaOptions>
{
    /// <inheritdoc />
    public override IReadOnlyList<RoutableKey> Keys { get; } =
    [
        new RoutableKey("topic", "The Kafka topic.") { Required = true, MaxLength = 255, AllowWhitespace = false },
        new RoutableKey("message_key", "The Kafka message key.") { MaxLength = 255, AllowWhitespace = false },
    ];

    /// <inheritdoc />
    public override string DefaultRoutingFunction => "function route(action, record, changes, metadata) { return {}; }";

    /// <inheritdoc />
    public override void ApplyDefaultRoute(ChangeMessage message, Route route) =>
        route["topic"] = "sequin." + message.Relation.QualifiedName;

    /// <inheritdoc />
    protected override void ApplyStaticRoute(BenchKafkaOptions options, Route route) => route["topic"] = options.Topic;
}

/// <summary>The routable options of the benchmark sink.</summary>
public sealed class BenchKafkaOptions
{
    /// <summary>The static topic.</summary>
    public string Topic { get; set; } = "orders";
}
