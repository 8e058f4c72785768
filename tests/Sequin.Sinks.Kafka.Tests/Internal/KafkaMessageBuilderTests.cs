using System.Text;
using Confluent.Kafka;
using Sequin.Messages;
using Sequin.Sinks.Kafka.Internal;
using Sequin.Sinks.Kafka.Tests.Support;

namespace Sequin.Sinks.Kafka.Tests.Internal;

public sealed class KafkaMessageBuilderTests
{
    [Fact]
    public void PayloadArrayIsSentWithoutCopying()
    {
        var payload = Encoding.UTF8.GetBytes("{\"a\":1}");

        var record = KafkaMessageBuilder.Build(Some.Routed(Some.Change(1), "t", payload: payload));

        Assert.Same(payload, record.Value);
    }

    [Fact]
    public void PayloadSliceIsCopied()
    {
        var buffer = Encoding.UTF8.GetBytes("xx{\"a\":1}");
        var change = Some.Change(1);
        var routed = new Sequin.Sinks.RoutedMessage(change, Some.Route("t"), "1", buffer.AsMemory(2), isTransformed: true);

        var record = KafkaMessageBuilder.Build(routed);

        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(record.Value!));
    }

    [Fact]
    public void EmptyKeyBecomesNoKey()
    {
        var routed = new Sequin.Sinks.RoutedMessage(Some.Change(1), Some.Route("t"), string.Empty, new byte[] { 1 }, isTransformed: false);

        Assert.Null(KafkaMessageBuilder.KeyOf(routed));
    }

    [Fact]
    public void HeadersAreIdempotencyKeyActionAndTable()
    {
        var change = Some.Change(3, ChangeAction.Read, Some.Relation("inv", "parts"));

        var record = KafkaMessageBuilder.Build(Some.Routed(change, "t"));

        Assert.Equal(["idempotency_key", "action", "table"], record.Headers.Select(h => h.Key));
        Assert.Equal(["read", "inv.parts"], record.Headers.Skip(1).Select(h => Encoding.UTF8.GetString(h.GetValueBytes())));
    }

    [Fact]
    public void SizeCountsKeyValueAndHeaders()
    {
        var record = new Message<byte[]?, byte[]?>
        {
            Key = new byte[3],
            Value = new byte[10],
            Headers = new Headers { new Header("ab", new byte[4]) },
        };

        Assert.Equal(3 + 10 + 2 + 4, KafkaMessageBuilder.SizeOf(record));
    }
}
