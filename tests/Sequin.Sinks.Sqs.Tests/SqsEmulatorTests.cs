using System.Security.Cryptography;
using System.Text;
using Sequin.Sinks;
using Sequin.TestServers.Aws;

namespace Sequin.Sinks.Sqs.Tests;

/// <summary>
/// The sink's delivery over the real AWS SDK client (<see cref="SqsClient"/>) against the local-aws-sqs emulator:
/// batches, FIFO ids and ordering, a per-entry failure the emulator produces, and both connection tests.
/// </summary>
public sealed class SqsEmulatorTests(AwsEmulatorsFixture fixture) : IClassFixture<AwsEmulatorsFixture>
{
    private SqsTestQueues Queues => fixture.Queues;

    [Fact]
    public async Task ABatchReachesAStandardQueueWithThePayloadsAsBodies()
    {
        var queue = await Queues.CreateAsync(Name("standard"));
        await using var delivery = Delivery(queue);

        var outcomes = await delivery.DeliverAsync(Some.BatchFor(queue, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), CancellationToken.None);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.Error));
        var received = await Queues.WaitForAsync(queue, 10);
        Assert.Equal(Enumerable.Range(1, 10), received.Select(m => IdOf(m.Body)).Order());
        Assert.All(received, m => Assert.False(m.Attributes?.ContainsKey("MessageGroupId") ?? false));
    }

    [Fact]
    public async Task AFifoQueueGetsTheGroupAndDeduplicationIdsAndKeepsEachGroupsOrder()
    {
        var queue = await Queues.CreateAsync(Name("ordered") + ".fifo");
        await using var delivery = Delivery(queue);
        var messages = new[] { Some.Routed(1, queue, groupId: "7"), Some.Routed(2, queue, groupId: "8"), Some.Routed(3, queue, groupId: "7") };

        var outcomes = await delivery.DeliverAsync(new SinkBatch(queue, messages), CancellationToken.None);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.Error));
        var received = await Queues.WaitForAsync(queue, 3);
        foreach (var message in received)
        {
            var sent = messages.Single(m => m.Message.CommitIdx == IdOf(message.Body));
            Assert.Equal(Md5Hex(sent.GroupId!), message.Attributes["MessageGroupId"]);
            Assert.Equal(sent.Message.IdempotencyKey, message.Attributes["MessageDeduplicationId"]);
        }

        var groupSeven = received.Where(m => m.Attributes["MessageGroupId"] == Md5Hex("7")).OrderBy(m => decimal.Parse(m.Attributes["SequenceNumber"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal([1, 3], groupSeven.Select(m => IdOf(m.Body)));
    }

    [Fact]
    public async Task ABackfillReadReachesAFifoQueueWithActionReadAndItsIdempotencyKeyAsDeduplicationId()
    {
        var queue = await Queues.CreateAsync(Name("reads") + ".fifo");
        await using var delivery = Delivery(queue);
        var read = Some.RoutedRead(5, queue);

        var outcomes = await delivery.DeliverAsync(new SinkBatch(queue, [read]), CancellationToken.None);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.Error));
        var received = Assert.Single(await Queues.WaitForAsync(queue, 1));
        using var body = System.Text.Json.JsonDocument.Parse(received.Body);
        Assert.Equal("read", body.RootElement.GetProperty("action").GetString());
        Assert.Equal(5, IdOf(received.Body));
        Assert.Equal(read.Message.IdempotencyKey, received.Attributes["MessageDeduplicationId"]);
    }

    [Fact]
    public async Task AnEntryTheQueueRefusesFailsAloneAndPermanently()
    {
        // A queue that takes at most 1024 bytes: SQS (and the emulator) refuse the larger entry in the batch
        // (InvalidParameterValue, a sender fault) and accept the others.
        var queue = await Queues.CreateAsync(Name("small"), new Dictionary<string, string> { ["MaximumMessageSize"] = "1024" });
        await using var delivery = Delivery(queue);
        var batch = new SinkBatch(queue, [Some.Routed(1, queue), Some.Routed(2, queue, name: new string('x', 2000)), Some.Routed(3, queue)]);

        var outcomes = await delivery.DeliverAsync(batch, CancellationToken.None);

        Assert.True(outcomes[0].IsDelivered, outcomes[0].Error);
        Assert.Equal(DeliveryStatus.Permanent, outcomes[1].Status);
        Assert.Contains("InvalidParameterValue", outcomes[1].Error, StringComparison.Ordinal);
        Assert.True(outcomes[2].IsDelivered, outcomes[2].Error);
        var received = await Queues.WaitForAsync(queue, 2);
        Assert.Equal([1, 3], received.Select(m => IdOf(m.Body)).Order());
    }

    [Fact]
    public async Task SendingToAMissingQueueFailsEveryMessagePermanentlyWithAwssReason()
    {
        var missing = new Uri(fixture.Emulators.SqsEndpoint, $"{AwsEmulators.AccountId}/{Name("missing")}").AbsoluteUri;
        await using var delivery = Delivery(missing);

        var outcomes = await delivery.DeliverAsync(Some.BatchFor(missing, 1, 2), CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(DeliveryStatus.Permanent, o.Status));
        Assert.All(outcomes, o => Assert.StartsWith("Error from AWS: ", o.Error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StaticConnectionTestReadsTheQueuesAttributes()
    {
        var queue = await Queues.CreateAsync(Name("check"));
        var missing = new Uri(fixture.Emulators.SqsEndpoint, $"{AwsEmulators.AccountId}/{Name("absent")}").AbsoluteUri;
        await using var present = Delivery(queue);
        await using var absent = Delivery(missing);

        var ok = await present.TestConnectionAsync(CancellationToken.None);
        var failed = await absent.TestConnectionAsync(CancellationToken.None);

        Assert.True(ok.Success, ok.Message);
        Assert.Contains(queue, ok.Message, StringComparison.Ordinal);
        Assert.False(failed.Success);
        Assert.StartsWith("Error from AWS: ", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DynamicConnectionTestChecksTheCredentialsOnly()
    {
        await using var delivery = Delivery(queueUrl: null);

        var result = await delivery.TestConnectionAsync(CancellationToken.None);

        Assert.True(result.Success, result.Message);
        Assert.Equal("SQS accepted the credentials.", result.Message);
    }

    private SqsDelivery Delivery(string? queueUrl) => SqsDelivery.Create(
        new SqsSinkOptions
        {
            QueueUrl = queueUrl,
            Region = AwsEmulators.Region,
            AccessKeyId = "AKIDEXAMPLE",
            SecretAccessKey = "s3cret",
            EndpointUrl = fixture.Emulators.SqsEndpoint,
        },
        Some.Context(queueUrl is null ? RoutingMode.Dynamic : RoutingMode.Static));

    private static string Name(string what) => $"{what}-{Guid.NewGuid():N}";

    private static int IdOf(string body)
    {
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("record").GetProperty("id").GetInt32();
    }

    private static string Md5Hex(string value) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(value)));
}
