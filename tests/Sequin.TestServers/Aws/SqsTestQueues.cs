using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace Sequin.TestServers.Aws;

/// <summary>
/// Creates and reads SQS queues of the emulator (<see cref="AwsEmulators.SqsEndpoint"/>) through the AWS SDK, with what
/// the SQS sink's tests check: queue attributes (FIFO, a small <c>MaximumMessageSize</c>) and the FIFO system attributes
/// of received messages (<c>MessageGroupId</c>, <c>MessageDeduplicationId</c>, <c>SequenceNumber</c>).
/// </summary>
public sealed class SqsTestQueues : IDisposable
{
    private readonly AmazonSQSClient _sqs;

    /// <summary>Creates a client of the emulator's SQS.</summary>
    public SqsTestQueues(AwsEmulators emulators)
    {
        ArgumentNullException.ThrowIfNull(emulators);
        _sqs = new AmazonSQSClient(
            new BasicAWSCredentials("test", "test"),
            new AmazonSQSConfig { ServiceURL = emulators.SqsEndpoint.AbsoluteUri, AuthenticationRegion = AwsEmulators.Region });
    }

    /// <summary>Creates a queue (a name ending in <c>.fifo</c> creates a FIFO queue) and returns its URL.</summary>
    /// <param name="name">The queue name.</param>
    /// <param name="attributes">More queue attributes, e.g. <c>MaximumMessageSize</c>.</param>
    public async Task<string> CreateAsync(string name, IReadOnlyDictionary<string, string>? attributes = null)
    {
        var all = new Dictionary<string, string>(attributes ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (name.EndsWith(".fifo", StringComparison.Ordinal))
        {
            all["FifoQueue"] = "true";
        }

        var response = await _sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = all });
        return response.QueueUrl;
    }

    /// <summary>Receives and deletes up to 10 messages (no wait), with all their system attributes.</summary>
    public async Task<IReadOnlyList<Message>> ReceiveAsync(string queueUrl)
    {
        ReceiveMessageResponse response;
        try
        {
            response = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = queueUrl,
                MaxNumberOfMessages = 10,
                MessageSystemAttributeNames = ["All"],
#pragma warning disable CS0618 // the emulator knows only the older AttributeNames
                AttributeNames = ["All"],
#pragma warning restore CS0618
            });
        }
        catch (AmazonUnmarshallingException e) when (e.InnerException is System.Text.Json.JsonException)
        {
            // local-aws-sqs answers an empty receive in the JSON protocol with HTTP 200 and no body at all (AWS sends
            // "{}"); the SDK usually reads that as no messages, but now and then fails to parse it. Nothing was received.
            return [];
        }

        var messages = response.Messages ?? [];
        foreach (var message in messages)
        {
            await _sqs.DeleteMessageAsync(queueUrl, message.ReceiptHandle);
        }

        return messages;
    }

    /// <summary>Receives until <paramref name="count"/> messages arrived or the timeout passes (then fails naming what arrived).</summary>
    public async Task<IReadOnlyList<Message>> WaitForAsync(string queueUrl, int count, TimeSpan? timeout = null)
    {
        var all = new List<Message>();
        await Eventually.UntilAsync(
            async () =>
            {
                all.AddRange(await ReceiveAsync(queueUrl));
                return all.Count >= count;
            },
            () => $"{count} messages arrived in {queueUrl} (got {all.Count})",
            timeout ?? TimeSpan.FromSeconds(60));
        return all;
    }

    /// <inheritdoc />
    public void Dispose() => _sqs.Dispose();
}
