using Sequin.Sinks.Kafka.Tests.Support;
using Sequin.Sinks.Testing;

namespace Sequin.Sinks.Kafka.Tests;

/// <summary>
/// The SDK's promises (<see cref="SinkConformanceTests{TOptions}"/>) against librdkafka's mock cluster (three brokers);
/// a message over <c>max_message_bytes</c> is refused for good without being sent.
/// </summary>
public sealed class KafkaConformanceTests(KafkaBrokerFixture kafka)
    : SinkConformanceTests<KafkaSinkOptions>(new KafkaSink()), IClassFixture<KafkaBrokerFixture>
{
    protected override IReadOnlyList<(string Key, string? Value)> ReachableDestination =>
        [("hosts", kafka.Broker.BootstrapServers), ("topic", "conformance"), ("max_message_bytes", "4000"), ("delivery_timeout_ms", "30000")];

    // Port 9 (discard) is closed on loopback here.
    protected override IReadOnlyList<(string Key, string? Value)> UnreachableDestination =>
        [("hosts", "127.0.0.1:9"), ("topic", "conformance"), ("delivery_timeout_ms", "5000")];

    protected override RoutedMessage? PermanentlyRefusedMessage(KafkaSinkOptions options) =>
        Kit.Routed(TestTable.Order(13, new string('x', 5000)), options);
}
