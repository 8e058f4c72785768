using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Benchmarks;

/// <summary>A Kafka-like routing (topic, message_key) as the real Kafka sink has it, for benchmarks.</summary>
public sealed class BenchKafkaRoutedConsumer : IRoutedConsumer
{
    /// <inheritdoc />
    public IReadOnlyList<RoutableKey> Keys { get; } =
    [
        new RoutableKey("topic", "The Kafka topic.") { Required = true, MaxLength = 255, AllowWhitespace = false },
        new RoutableKey("message_key", "The Kafka message key.") { MaxLength = 255, AllowWhitespace = false },
    ];

    /// <inheritdoc />
    public string DefaultRoutingFunction => "function route(action, record, changes, metadata) { return {}; }";

    /// <inheritdoc />
    public void ApplyDefaultRoute(ChangeMessage message, Route route) =>
        route["topic"] = "sequin." + message.Relation.QualifiedName;

    /// <inheritdoc />
    public void ApplyStaticRoute(object sinkOptions, Route route) => route["topic"] = ((BenchKafkaOptions)sinkOptions).Topic;

    public string? Validate(Route route) => null;
}

/// <summary>The routable options of the benchmark sink.</summary>
public sealed class BenchKafkaOptions
{
    /// <summary>The static topic.</summary>
    public string Topic { get; set; } = "orders";
}
