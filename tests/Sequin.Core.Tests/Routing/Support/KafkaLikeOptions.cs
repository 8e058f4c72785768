namespace Sequin.Core.Tests.Routing.Support;

/// <summary>The routable part of a Kafka-like sink's options.</summary>
public sealed class KafkaLikeOptions
{
    public string? Topic { get; set; }
}
