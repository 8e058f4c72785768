using System.Text;
using Sequin.Sinks;
using Sequin.Sinks.Sns.Tests.Support;
using Sequin.TestServers.Aws;

namespace Sequin.Sinks.Sns.Tests;

/// <summary>
/// The sink against the npm SNS emulator, read back from an SQS queue subscribed to the topic (the emulator delivers
/// to SQS only with raw message delivery). The emulator ignores signatures; the requests are signed all the same.
/// </summary>
public sealed class SnsEmulatorTests : IClassFixture<AwsEmulatorsFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly AwsEmulators _aws;

    public SnsEmulatorTests(AwsEmulatorsFixture fixture) => _aws = fixture.Emulators;

    private SnsSinkOptions Options(string? topicArn) => new()
    {
        TopicArn = topicArn,
        Region = topicArn is null ? AwsEmulators.Region : null,
        AccessKeyId = "AKIDLOCAL",
        SecretAccessKey = "local-secret",
        EndpointUrl = _aws.SnsEndpoint,
    };

    private async Task<(string TopicArn, string QueueUrl)> TopicWithQueueAsync(string name)
    {
        var topic = await _aws.CreateTopicAsync(name);
        var queue = await _aws.CreateQueueAsync(name + "-q");
        await _aws.SubscribeQueueAsync(topic, queue);
        return (topic, queue);
    }

    [Fact]
    public async Task ApiCreatesListsAndPublishesThroughTheEmulator()
    {
        var client = (SnsPublisher)new SnsSink().CreateDelivery(Options(null), Some.Context(RoutingMode.Dynamic));
        await using var _ = client;
        var created = await client.Api.CreateTopicAsync("api-" + Guid.NewGuid().ToString("N")[..8], null, CancellationToken.None);
        Assert.True(created.IsSuccess, created.Error?.ToString());
        var queue = await _aws.CreateQueueAsync("api-q-" + Guid.NewGuid().ToString("N")[..8]);
        await _aws.SubscribeQueueAsync(created.Value, queue);

        var topics = await client.Api.ListTopicsAsync(null, CancellationToken.None);
        var published = await client.Api.PublishAsync(
            created.Value,
            new SnsPublishEntry("{\"hello\":\"sns\"}") { Attributes = new Dictionary<string, string> { ["action"] = "insert" } },
            CancellationToken.None);
        var received = await _aws.WaitForMessagesAsync(queue, 1, Wait);

        Assert.True(topics.IsSuccess, topics.Error?.ToString());
        Assert.Contains(created.Value, topics.Value.TopicArns);
        Assert.True(published.IsSuccess, published.Error?.ToString());
        Assert.False(string.IsNullOrEmpty(published.Value));
        var message = Assert.Single(received);
        Assert.Equal("{\"hello\":\"sns\"}", message.Body);
        Assert.Equal("insert", message.Attributes["action"]);
    }

    [Fact]
    public async Task PipelineDeliversABatchToAQueueSubscribedToTheTopic()
    {
        var (topic, queue) = await TopicWithQueueAsync("orders-" + Guid.NewGuid().ToString("N")[..8]);
        var (client, pipeline) = Some.ClientAndPipeline(Options(topic), Some.Context());
        await using var _ = client;
        var messages = Enumerable.Range(1, 3).Select(i => Some.Routed(topic, i, commitIdx: i)).ToArray();

        var result = await pipeline.DeliverAsync(new SinkBatch(topic, messages), CancellationToken.None);
        var received = await _aws.WaitForMessagesAsync(queue, 3, Wait);

        Assert.Null(result.Count);
        Assert.Equal(
            messages.Select(m => Encoding.UTF8.GetString(m.Payload.Span)).Order(StringComparer.Ordinal),
            received.Select(m => m.Body).Order(StringComparer.Ordinal));
        Assert.All(received, m =>
        {
            Assert.Equal("insert", m.Attributes["action"]);
            Assert.Equal("public.orders", m.Attributes["table"]);
        });
    }

    [Fact]
    public async Task ConnectionChecksWorkAgainstTheEmulator()
    {
        var topic = await _aws.CreateTopicAsync("check-" + Guid.NewGuid().ToString("N")[..8]);
        var sink = new SnsSink();
        await using var good = sink.CreateDelivery(Options(topic), Some.Context());
        await using var missing = sink.CreateDelivery(Options(topic + "-missing"), Some.Context());

        var ok = await good.TestConnectionAsync(CancellationToken.None);
        var credentials = await good.TestCredentialsAsync(CancellationToken.None);
        var notFound = await missing.TestConnectionAsync(CancellationToken.None);

        Assert.True(ok.Success, ok.Message);
        Assert.True(credentials.Success, credentials.Message);
        Assert.False(notFound.Success);
        Assert.Contains("NotFound", notFound.Message, StringComparison.Ordinal);
    }
}
