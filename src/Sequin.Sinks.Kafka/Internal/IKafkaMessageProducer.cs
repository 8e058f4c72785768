using Confluent.Kafka;

namespace Sequin.Sinks.Kafka.Internal;

/// <summary>The one call the pipeline makes on the client; a seam for pipeline tests.</summary>
internal interface IKafkaMessageProducer
{
    /// <summary>
    /// Enqueues one message without waiting; <paramref name="deliveryHandler"/> runs once with its delivery report.
    /// Throws <see cref="ProduceException{TKey, TValue}"/> when librdkafka refuses it at once (for example a full local
    /// queue, <see cref="ErrorCode.Local_QueueFull"/>).
    /// </summary>
    void Produce(string topic, Message<byte[]?, byte[]?> message, Action<DeliveryReport<byte[]?, byte[]?>> deliveryHandler);
}
