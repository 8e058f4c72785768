using Sequin.Sinks;

namespace Sequin.Sinks.Sqs.Tests;

/// <summary>The delivery against a fake client: what it sends, per-message outcomes, errors, connection tests.</summary>
public sealed class SqsDeliveryTests : IAsyncDisposable
{
    private readonly FakeSqsClient _client = new();

    private static SqsSinkOptions Options => new()
    {
        QueueUrl = Some.QueueUrl,
        AccessKeyId = "AKIDEXAMPLE",
        SecretAccessKey = "s3cret",
    };

    [Fact]
    public async Task SendsTheBatchsPayloadsInOrderToItsQueue()
    {
        await using var delivery = new SqsDelivery(Options, _client);

        var outcomes = await delivery.DeliverAsync(Some.Batch(1, 2, 3), CancellationToken.None);

        Assert.Equal(3, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.IsDelivered));
        var call = Assert.Single(_client.Sent);
        Assert.Equal(Some.QueueUrl, call.QueueUrl);
        Assert.Equal(3, call.Payloads.Count);
        Assert.Contains("\"id\":2", call.Payloads[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PerEntryResultsBecomeDeliveredRetryableAndPermanentOutcomes()
    {
        _client.Results.Enqueue([DeliveryOutcome.Delivered, DeliveryOutcome.Permanent("malformed"), DeliveryOutcome.Retry("throttled")]);
        await using var delivery = new SqsDelivery(Options, _client);

        var outcomes = await delivery.DeliverAsync(Some.Batch(1, 2, 3), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, outcomes[0].Status);
        Assert.Equal(DeliveryStatus.Permanent, outcomes[1].Status);
        Assert.Equal("malformed", outcomes[1].Error);
        Assert.Equal(DeliveryStatus.Retryable, outcomes[2].Status);
    }

    [Theory]
    [InlineData(true, DeliveryStatus.Retryable)]
    [InlineData(false, DeliveryStatus.Permanent)]
    public async Task AFailedCallFailsEveryMessageAsTheClientSays(bool retryable, DeliveryStatus expected)
    {
        _client.Failure = new SqsClientException("the call failed", retryable);
        await using var delivery = new SqsDelivery(Options, _client);

        var outcomes = await delivery.DeliverAsync(Some.Batch(1, 2), CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(expected, o.Status));
        Assert.All(outcomes, o => Assert.Equal("the call failed", o.Error));
    }

    [Fact]
    public async Task ConnectionTestChecksTheQueueAndCredentialsTestTheKeyOnly()
    {
        await using var delivery = new SqsDelivery(Options, _client);

        var reachable = await delivery.TestConnectionAsync(CancellationToken.None);
        _client.Failure = new SqsClientException("key refused", isRetryable: false);
        var refused = await delivery.TestCredentialsAsync(CancellationToken.None);

        Assert.True(reachable.Success, reachable.Message);
        Assert.Equal([Some.QueueUrl], _client.CheckedDestinations);
        Assert.False(refused.Success);
        Assert.Equal("key refused", refused.Message);
        Assert.Equal(1, _client.CredentialChecks);
    }

    [Fact]
    public async Task DynamicRoutingHasNoQueueToCheckSoTheConnectionTestChecksTheCredentials()
    {
        await using var delivery = new SqsDelivery(new SqsSinkOptions { Region = "us-east-1", UseTaskRole = true }, _client);

        var result = await delivery.TestConnectionAsync(CancellationToken.None);

        Assert.True(result.Success, result.Message);
        Assert.Empty(_client.CheckedDestinations);
        Assert.Equal(1, _client.CredentialChecks);
    }

    [Fact]
    public async Task DisposingTheDeliveryDisposesTheClient()
    {
        var delivery = new SqsDelivery(Options, _client);

        await delivery.DisposeAsync();

        Assert.True(_client.Disposed);
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
