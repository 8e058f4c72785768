using Sequin.Messages;
using Sequin.Pipeline;

namespace Sequin.Core.Tests.Pipeline;

public sealed class SinkConsumerSettingsTests
{
    private static SinkConsumerSettings Valid() => new() { Consumer = new ConsumerInfo("s", "s"), Database = "db" };

    [Fact]
    public void DefaultsAreValid() => Valid().Validate();

    [Fact]
    public void TheBufferIsBoundedBy2000MessagesOrFourBatchesAnd128MiB()
    {
        // Small on purpose: a full buffer of many messages is promoted by every gen0 collection (bench/RESULTS.md, Run 9).
        Assert.Null(Valid().MaxBufferedMessages);
        Assert.Equal(2_000, Valid().ResolveMaxBufferedMessages(batchMessages: 100));
        Assert.Equal(2_000, Valid().ResolveMaxBufferedMessages(batchMessages: 500));
        Assert.Equal(4_000, Valid().ResolveMaxBufferedMessages(batchMessages: 1_000));
        Assert.Equal(7, (Valid() with { MaxBufferedMessages = 7 }).ResolveMaxBufferedMessages(batchMessages: 1_000));
        Assert.Equal(128L * 1024 * 1024, Valid().MaxBufferedBytes);
    }

    [Fact]
    public void OutOfRangeValuesNameTheSetting()
    {
        Assert.Equal("Partitions", Assert.Throws<ArgumentOutOfRangeException>(() => (Valid() with { Partitions = 0 }).Validate()).ParamName);
        Assert.Equal("MaxBufferedBytes", Assert.Throws<ArgumentOutOfRangeException>(() => (Valid() with { MaxBufferedBytes = 0 }).Validate()).ParamName);
        Assert.Equal("MaxBufferedMessages", Assert.Throws<ArgumentOutOfRangeException>(() => (Valid() with { MaxBufferedMessages = 0 }).Validate()).ParamName);
        Assert.Equal("MaxRetryCount", Assert.Throws<ArgumentOutOfRangeException>(() => (Valid() with { MaxRetryCount = -1 }).Validate()).ParamName);
        Assert.Equal("BatchSize", Assert.Throws<ArgumentOutOfRangeException>(() => (Valid() with { BatchSize = 0 }).Validate()).ParamName);
        Assert.Equal("RetryBaseDelay", Assert.Throws<ArgumentOutOfRangeException>(() => (Valid() with { RetryBaseDelay = TimeSpan.Zero }).Validate()).ParamName);
        Assert.Equal("RetryMaxDelay", Assert.Throws<ArgumentOutOfRangeException>(() => (Valid() with { RetryMaxDelay = TimeSpan.FromMilliseconds(1) }).Validate()).ParamName);
        Assert.Equal("RetryJitter", Assert.Throws<ArgumentOutOfRangeException>(() => (Valid() with { RetryJitter = 1.5 }).Validate()).ParamName);
    }

    [Fact]
    public void GroupColumnsWithoutMessageGroupingAreRejected()
    {
        var settings = Valid() with { MessageGrouping = false, GroupColumns = new Dictionary<string, IReadOnlyList<string>> { ["t"] = ["a"] } };

        Assert.Equal("MessageGrouping", Assert.Throws<ArgumentException>(settings.Validate).ParamName);
    }
}
