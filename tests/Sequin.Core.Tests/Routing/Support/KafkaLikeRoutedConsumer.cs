using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Core.Tests.Routing.Support;

/// <summary>
/// A Kafka-like routing for tests (the real sinks live in their own projects): <c>topic</c> required, no whitespace,
/// at most 255 characters, default <c>sequin.&lt;schema&gt;.&lt;table&gt;</c>; <c>message_key</c> optional.
/// </summary>
public sealed class KafkaLikeRoutedConsumer : IRoutedConsumer
{
    public int ValidateCalls { get; private set; }

    public string? ValidateError { get; set; }

    public IReadOnlyList<RoutableKey> Keys { get; } =
    [
        new RoutableKey("topic", "The Kafka topic.") { Required = true, MaxLength = 255, AllowWhitespace = false },
        new RoutableKey("message_key", "The Kafka message key.") { MaxLength = 255, AllowWhitespace = false },
    ];

    public string DefaultRoutingFunction =>
        "function route(action, record, changes, metadata) {\n  return { topic: 'sequin.' + metadata.table_schema + '.' + metadata.table_name };\n}";

    public void ApplyDefaultRoute(ChangeMessage message, Route route) =>
        route["topic"] = "sequin." + message.Relation.QualifiedName;

    public string? Validate(Route route)
    {
        ValidateCalls++;
        return ValidateError;
    }

    public void ApplyStaticRoute(object sinkOptions, Route route)
    {
        if (((KafkaLikeOptions)sinkOptions).Topic is { } topic)
        {
            route["topic"] = topic;
        }
    }
}
