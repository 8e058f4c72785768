using Confluent.Kafka;
using Sequin.Sinks;
using Sequin.Sinks.Kafka.Internal;

namespace Sequin.Sinks.Kafka.Tests.Internal;

public sealed class KafkaErrorClassifierTests
{
    [Fact]
    public void OutcomeKeepsLibrdkafkasReason()
    {
        var outcome = KafkaErrorClassifier.Classify(new Error(ErrorCode.Local_Transport, "Connect to ipv4#127.0.0.1:1 failed: Connection refused"), "t");

        Assert.Equal(DeliveryStatus.Retryable, outcome.Status);
        Assert.Equal("Kafka delivery to topic 't' failed: Local_Transport: Connect to ipv4#127.0.0.1:1 failed: Connection refused", outcome.Error);
    }

    [Fact]
    public void FatalErrorIsRetryableBecauseTheProducerIsRecreated()
    {
        var outcome = KafkaErrorClassifier.Classify(new Error(ErrorCode.OutOfOrderSequenceNumber, "fatal", isFatal: true), "t");

        Assert.Equal(DeliveryStatus.Retryable, outcome.Status);
        Assert.Contains("fatal producer error", outcome.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ErrorCode.SaslAuthenticationFailed, true)]
    [InlineData(ErrorCode.Local_Authentication, true)]
    [InlineData(ErrorCode.RecordListTooLarge, true)]
    [InlineData(ErrorCode.RequestTimedOut, false)]
    [InlineData(ErrorCode.Local_AllBrokersDown, false)]
    [InlineData(ErrorCode.NotLeaderForPartition, false)]
    public void PermanentCodesAreTheOnesRetryingCannotFix(ErrorCode code, bool permanent)
    {
        Assert.Equal(permanent, KafkaErrorClassifier.IsPermanent(code));
    }

    [Fact]
    public void DescribeFallsBackToTheCodesReasonWhenEmpty()
    {
        Assert.StartsWith("Local_MsgTimedOut: ", KafkaErrorClassifier.Describe(new Error(ErrorCode.Local_MsgTimedOut, string.Empty)), StringComparison.Ordinal);
    }
}
