using Microsoft.Extensions.Logging;
using Sequin.Sinks;
using Sequin.Sinks.Kafka;

[assembly: SequinSinkPlugin(typeof(KafkaSinkPlugin))]

namespace Sequin.Sinks.Kafka;

/// <summary>
/// The Kafka sink's entry point (<c>destination.type: kafka</c>): an idempotent producer with <c>acks=all</c>,
/// murmur2 partitioning by message key, the idempotency key as a header, and per-message outcomes.
/// </summary>
public sealed class KafkaSinkPlugin : SinkPlugin<KafkaSinkOptions, KafkaSinkClient>
{
    /// <summary>The <c>destination.type</c> name: <c>kafka</c>.</summary>
    public const string Type = "kafka";

    /// <inheritdoc />
    public override string TypeName => Type;

    /// <inheritdoc />
    public override string Description => "Apache Kafka (and Kafka-compatible brokers): one idempotent producer per sink, topic per route, murmur2 partitioning by key.";

    /// <inheritdoc />
    public override ISinkSchema Schema { get; } = new KafkaSinkSchema();

    /// <inheritdoc />
    public override IRoutedConsumer Routing { get; } = new KafkaRoutedConsumer();

    /// <inheritdoc />
    protected override KafkaSinkClient CreateClient(KafkaSinkOptions options, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new KafkaSinkClient(options, context.LoggerFactory, context.Consumer.Name);
    }

    /// <inheritdoc />
    protected override ISinkPipeline CreatePipeline(KafkaSinkOptions options, KafkaSinkClient client, SinkContext context) =>
        new KafkaSinkPipeline(options, client, context);
}
