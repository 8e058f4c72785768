using Sequin.Sinks;
using Sequin.Sinks.Sns.Tests.Support;

namespace Sequin.Sinks.Sns.Tests;

/// <summary>Connection checks and publishing against <see cref="SnsTarget"/>: the fake by default, real SNS given env vars.</summary>
public sealed class SnsPublisherTests : IClassFixture<SnsTarget>
{
    private readonly SnsTarget _target;

    public SnsPublisherTests(SnsTarget target) => _target = target;

    private static async Task<T> WithClientAsync<T>(SnsSinkOptions options, Func<SnsPublisher, Task<T>> use)
    {
        var publisher = (SnsPublisher)new SnsSink().CreateDelivery(options, Some.Context());
        await using (publisher)
        {
            return await use(publisher);
        }
    }

    private static async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SnsPublisher publisher, string topicArn, int count, int firstId = 1) =>
        await publisher.DeliverAsync(
            new SinkBatch(topicArn, Enumerable.Range(firstId, count).Select(i => Some.Routed(topicArn, i, commitIdx: i)).ToArray()),
            CancellationToken.None);

    [Fact]
    public async Task TestConnectionSucceedsForAnExistingTopic()
    {
        var result = await WithClientAsync(_target.Options(_target.TopicArn), c => c.TestConnectionAsync(CancellationToken.None));

        Assert.True(result.Success, result.Message);
        Assert.Contains(_target.TopicArn, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnectionReportsNotFoundForAMissingTopic()
    {
        var missing = _target.MissingTopicArn;

        var result = await WithClientAsync(_target.Options(missing), c => c.TestConnectionAsync(CancellationToken.None));

        Assert.False(result.Success);
        Assert.Contains("NotFound", result.Message, StringComparison.Ordinal);
        Assert.Contains("Error from AWS", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnectionWithoutATopicPointsToTheCredentialsTest()
    {
        var result = await WithClientAsync(_target.Options(null), c => c.TestConnectionAsync(CancellationToken.None));

        Assert.False(result.Success);
        Assert.Contains("dynamic", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestCredentialsSucceedsWithGoodCredentialsAndNoTopic()
    {
        var result = await WithClientAsync(_target.Options(null), c => c.TestCredentialsAsync(CancellationToken.None));

        Assert.True(result.Success, result.Message);
        Assert.Contains("ListTopics", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestCredentialsFailsWithAWrongSecret()
    {
        var result = await WithClientAsync(_target.WrongSecretOptions(null), c => c.TestCredentialsAsync(CancellationToken.None));

        Assert.False(result.Success);
        Assert.Contains("SignatureDoesNotMatch", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnectionFailsWithAWrongSecret()
    {
        var result = await WithClientAsync(_target.WrongSecretOptions(_target.TopicArn), c => c.TestConnectionAsync(CancellationToken.None));

        Assert.False(result.Success);
        Assert.Contains("SignatureDoesNotMatch", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestCredentialsFailsWithAnUnknownAccessKey()
    {
        var options = _target.WrongSecretOptions(null);
        options.AccessKeyId = "AKIAIOSFODNN7EXAMPLE";

        var result = await WithClientAsync(options, c => c.TestCredentialsAsync(CancellationToken.None));

        Assert.False(result.Success);
        Assert.Contains("InvalidClientTokenId", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishingABatchOfTenDeliversAll()
    {
        var outcomes = await WithClientAsync(_target.Options(_target.TopicArn), c => DeliverAsync(c, _target.TopicArn, 10));

        Assert.Equal(10, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.Error));
    }

    [Fact]
    public async Task PublishingToAMissingTopicIsPermanentForEveryMessage()
    {
        var missing = _target.MissingTopicArn;

        var outcomes = await WithClientAsync(_target.Options(_target.TopicArn), c => DeliverAsync(c, missing, 2));

        Assert.Equal(2, outcomes.Count);
        Assert.All(outcomes, o =>
        {
            Assert.Equal(DeliveryStatus.Permanent, o.Status);
            Assert.Contains("NotFound", o.Error, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task OversizedMessageIsRejectedAndTheOthersAreDelivered()
    {
        var options = _target.Options(_target.TopicArn);
        var (client, pipeline) = Some.ClientAndPipeline(options, Some.Context());
        await using var _ = client;
        var messages = new[] { Some.Routed(_target.TopicArn, 1), Some.Routed(_target.TopicArn, 2, payloadPadding: SnsSink.MaxMessageBytes), Some.Routed(_target.TopicArn, 3) };

        var outcomes = await pipeline.DeliverAsync(new SinkBatch(_target.TopicArn, messages), CancellationToken.None);

        Assert.True(outcomes[0].IsDelivered, outcomes[0].Error);
        Assert.Equal(DeliveryStatus.Rejected, outcomes[1].Status);
        Assert.Contains("262144", outcomes[1].Error, StringComparison.Ordinal);
        Assert.True(outcomes[2].IsDelivered, outcomes[2].Error);
    }

    [Fact]
    public async Task UnreachableEndpointIsARetryableTransportError()
    {
        var options = _target.Options(_target.TopicArn);
        options.EndpointUrl = new Uri("http://127.0.0.1:1/");

        var (test, outcomes) = await WithClientAsync(options, async c =>
            (await c.TestCredentialsAsync(CancellationToken.None), await DeliverAsync(c, _target.TopicArn, 1)));

        Assert.False(test.Success);
        Assert.Contains("TransportError", test.Message, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Retryable, Assert.Single(outcomes).Status);
    }
}
