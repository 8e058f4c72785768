using System.Collections.Concurrent;
using Confluent.Kafka;
using Sequin.Sinks.Kafka.Internal;

namespace Sequin.Sinks.Kafka.Tests.Support;

/// <summary>
/// A producer seam that records every produced record and answers with a delivery report chosen per call, either at
/// once or when the test releases it.
/// </summary>
internal sealed class RecordingProducer : IKafkaMessageProducer
{
    private readonly ConcurrentQueue<Action> _held = new();

    public List<(string Topic, Message<byte[]?, byte[]?> Message)> Produced { get; } = [];

    /// <summary>Decides the error of each produced record (by its position in <see cref="Produced"/>); default: none.</summary>
    public Func<int, ErrorCode> ErrorFor { get; set; } = _ => ErrorCode.NoError;

    /// <summary>Whether reports wait for <see cref="ReleaseAll"/>.</summary>
    public bool HoldReports { get; set; }

    public int HeldCount => _held.Count;

    public void Produce(string topic, Message<byte[]?, byte[]?> message, Action<DeliveryReport<byte[]?, byte[]?>> deliveryHandler)
    {
        int index;
        lock (Produced)
        {
            index = Produced.Count;
            Produced.Add((topic, message));
        }

        var report = new DeliveryReport<byte[]?, byte[]?>
        {
            Error = new Error(ErrorFor(index)),
            Message = message,
            TopicPartitionOffset = new TopicPartitionOffset(topic, 0, index),
        };
        if (HoldReports)
        {
            _held.Enqueue(() => deliveryHandler(report));
        }
        else
        {
            deliveryHandler(report);
        }
    }

    public void ReleaseAll()
    {
        while (_held.TryDequeue(out var report))
        {
            report();
        }
    }
}
