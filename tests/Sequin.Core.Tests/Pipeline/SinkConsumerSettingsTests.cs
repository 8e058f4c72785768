using Sequin.Messages;
using Sequin.Pipeline;

namespace Sequin.Core.Tests.Pipeline;

public sealed class SinkConsumerSettingsTests
{
    private static SinkConsumerSettings Valid() => new() { Consumer = new ConsumerInfo("s", "s"), Database = "db" };

    [Fact]
    public void DefaultsAreValid() => Valid().Validate();

    [Fact]
    public void TheBufferIsBoundedBy20000MessagesAnd128MiB()
    {
        // 20 000, not 100 000: with small rows the message cap is what bounds the heap (bench/RESULTS.md, peak RSS).
        Assert.Equal(20_000, Valid().MaxBufferedMessages);
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
