using System.Net;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Moq;
using Sequin.Sinks;

namespace Sequin.Sinks.Sqs.Tests;

/// <summary>
/// <see cref="SqsClient"/> over a mocked <see cref="IAmazonSQS"/> answering as AWS documents <c>SendMessageBatch</c>:
/// entries in <c>Successful</c> or <c>Failed</c> (with <c>SenderFault</c>), errors as <see cref="AmazonSQSException"/>.
/// Covers what the emulator cannot produce: receiver-fault entries, throttling, missing results, regions per queue.
/// </summary>
public sealed class SqsClientTests
{
    private readonly Mock<IAmazonSQS> _sqs = new(MockBehavior.Strict);
    private readonly List<string> _regions = [];
    private SendMessageBatchRequest? _sent;

    [Fact]
    public async Task EntriesAreMappedByIdToDeliveredRetryableAndPermanent()
    {
        Answer(new SendMessageBatchResponse
        {
            Successful = [new SendMessageBatchResultEntry { Id = "2", MessageId = "m2" }],
            Failed =
            [
                new BatchResultErrorEntry { Id = "0", Code = "InternalError", Message = "We encountered an internal error.", SenderFault = false },
                new BatchResultErrorEntry { Id = "1", Code = "InvalidParameterValue", Message = "Message must be shorter than 262144 bytes.", SenderFault = true },
            ],
        });
        await using var client = Client();

        var results = await client.SendBatchAsync(Some.QueueUrl, [Some.Routed(1), Some.Routed(2), Some.Routed(3), Some.Routed(4)], CancellationToken.None);

        Assert.Equal(DeliveryStatus.Retryable, results[0].Status);
        Assert.Equal("Error from AWS: We encountered an internal error. (InternalError)", results[0].Error);
        Assert.Equal(DeliveryStatus.Permanent, results[1].Status);
        Assert.Contains("InvalidParameterValue", results[1].Error, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Delivered, results[2].Status);
        Assert.Null(results[2].Error);
        Assert.Equal(DeliveryStatus.Retryable, results[3].Status); // in neither list: sent again
        Assert.Equal("SQS returned no result for this message.", results[3].Error);
        Assert.Equal(["0", "1", "2", "3"], _sent!.Entries.Select(e => e.Id));
        Assert.Equal(Some.QueueUrl, _sent.QueueUrl);
    }

    [Fact]
    public async Task StandardQueueEntriesCarryNoFifoIdsAndFifoEntriesCarryBoth()
    {
        Answer(new SendMessageBatchResponse());
        await using var client = Client();

        await client.SendBatchAsync(Some.QueueUrl, [Some.Routed(1)], CancellationToken.None);
        var standard = Assert.Single(_sent!.Entries);
        await client.SendBatchAsync(Some.FifoQueueUrl, [Some.Routed(1, Some.FifoQueueUrl, groupId: "1")], CancellationToken.None);
        var fifo = Assert.Single(_sent!.Entries);

        Assert.Null(standard.MessageGroupId);
        Assert.Null(standard.MessageDeduplicationId);
        Assert.Equal("c4ca4238a0b923820dcc509a6f75849b", fifo.MessageGroupId); // md5("1")
        Assert.Equal(Some.Change(1).IdempotencyKey, fifo.MessageDeduplicationId);
    }

    [Theory]
    [InlineData(ErrorType.Sender, "AWS.SimpleQueueService.NonExistentQueue", HttpStatusCode.BadRequest, false)]
    [InlineData(ErrorType.Sender, "InvalidClientTokenId", HttpStatusCode.Forbidden, false)]
    [InlineData(ErrorType.Sender, "RequestThrottled", HttpStatusCode.BadRequest, true)]
    [InlineData(ErrorType.Sender, "ThrottlingException", HttpStatusCode.BadRequest, true)]
    [InlineData(ErrorType.Receiver, "InternalError", HttpStatusCode.InternalServerError, true)]
    public async Task AwsErrorsAreRetryableUnlessTheSenderIsAtFault(ErrorType type, string code, HttpStatusCode status, bool retryable)
    {
        _sqs.Setup(s => s.SendMessageBatchAsync(It.IsAny<SendMessageBatchRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonSQSException("it failed", type, code, "req-1", status));
        await using var client = Client();

        var ex = await Assert.ThrowsAsync<SqsClientException>(() => client.SendBatchAsync(Some.QueueUrl, [Some.Routed(1)], CancellationToken.None));

        Assert.Equal(retryable, ex.IsRetryable);
        Assert.Equal($"Error from AWS: it failed ({code}, status={(int)status})", ex.Message);
    }

    [Fact]
    public async Task NetworkErrorsAreRetryable()
    {
        _sqs.Setup(s => s.SendMessageBatchAsync(It.IsAny<SendMessageBatchRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("Connection refused"));
        await using var client = Client();

        var ex = await Assert.ThrowsAsync<SqsClientException>(() => client.SendBatchAsync(Some.QueueUrl, [Some.Routed(1)], CancellationToken.None));

        Assert.True(ex.IsRetryable);
        Assert.Contains("Connection refused", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachQueueIsCalledInItsOwnRegionAndTheCredentialsCheckInTheConfiguredOne()
    {
        Answer(new SendMessageBatchResponse());
        _sqs.Setup(s => s.ListQueuesAsync(It.Is<ListQueuesRequest>(r => r.MaxResults == 1), It.IsAny<CancellationToken>())).ReturnsAsync(new ListQueuesResponse());
        _sqs.Setup(s => s.Dispose());
        await using var client = Client(new SqsSinkOptions { Region = "ap-south-1", UseTaskRole = true });

        await client.SendBatchAsync(Some.QueueUrl, [Some.Routed(1)], CancellationToken.None);
        await client.SendBatchAsync(Some.FifoQueueUrl, [Some.Routed(2, Some.FifoQueueUrl)], CancellationToken.None);
        await client.SendBatchAsync(Some.QueueUrl, [Some.Routed(3)], CancellationToken.None);
        await client.CheckCredentialsAsync(CancellationToken.None);

        Assert.Equal(["us-east-1", "eu-west-1", "ap-south-1"], _regions);
    }

    [Fact]
    public async Task WithAnEndpointOverrideEveryCallUsesTheConfiguredRegion()
    {
        Answer(new SendMessageBatchResponse());
        await using var client = Client(new SqsSinkOptions { Region = "us-west-2", UseTaskRole = true, EndpointUrl = new Uri("http://127.0.0.1:4566") });

        await client.SendBatchAsync(Some.QueueUrl, [Some.Routed(1)], CancellationToken.None);
        await client.SendBatchAsync(Some.FifoQueueUrl, [Some.Routed(2, Some.FifoQueueUrl)], CancellationToken.None);

        Assert.Equal(["us-west-2"], _regions);
    }

    [Fact]
    public async Task StaticConnectionTestAsksForTheQueuesArn()
    {
        _sqs.Setup(s => s.GetQueueAttributesAsync(It.Is<GetQueueAttributesRequest>(r => r.QueueUrl == Some.QueueUrl && r.AttributeNames.Contains("QueueArn")), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new GetQueueAttributesResponse());
        await using var client = Client();

        await client.CheckDestinationAsync(Some.QueueUrl, CancellationToken.None);

        _sqs.Verify(s => s.GetQueueAttributesAsync(It.IsAny<GetQueueAttributesRequest>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public void LogLinesNameTheKeyByItsEndOnly()
    {
        Assert.Equal("access key ****MPLE", new SqsSinkOptions { AccessKeyId = "AKIDEXAMPLE", SecretAccessKey = "s3cret" }.DescribeCredentials());
        Assert.Equal("default AWS credential chain", new SqsSinkOptions { UseTaskRole = true }.DescribeCredentials());
    }

    private SqsClient Client(SqsSinkOptions? options = null)
    {
        _sqs.Setup(s => s.Dispose());
        return new SqsClient(options ?? new SqsSinkOptions { QueueUrl = Some.QueueUrl, AccessKeyId = "AKIDEXAMPLE", SecretAccessKey = "s3cret" }, region =>
        {
            _regions.Add(region);
            return _sqs.Object;
        });
    }

    private void Answer(SendMessageBatchResponse response) =>
        _sqs.Setup(s => s.SendMessageBatchAsync(It.IsAny<SendMessageBatchRequest>(), It.IsAny<CancellationToken>()))
            .Callback<SendMessageBatchRequest, CancellationToken>((r, _) => _sent = r)
            .ReturnsAsync(response);
}
