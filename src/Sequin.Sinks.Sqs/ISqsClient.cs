using Sequin.Sinks;

namespace Sequin.Sinks.Sqs;

/// <summary>
/// What the delivery needs from SQS: a <c>SendMessageBatch</c> with per-entry results, and the two connection checks.
/// The default implementation, <see cref="SqsClient"/>, wraps the AWS SDK's <c>AmazonSQSClient</c>; tests use a fake.
/// </summary>
internal interface ISqsClient : IAsyncDisposable
{
    /// <summary>Sends messages to a queue in one <c>SendMessageBatch</c> call (at most 10, at most 256 KiB: Core's batches).</summary>
    /// <param name="queueUrl">The queue (the <c>queue_url</c> route key); a name ending in <c>.fifo</c> is a FIFO queue.</param>
    /// <param name="messages">The messages, in order: their UTF-8 JSON payloads are the bodies.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One outcome per message, in order: <see cref="DeliveryOutcome.Delivered"/>, <see cref="DeliveryOutcome.Retry"/> or <see cref="DeliveryOutcome.Permanent"/> with the destination's reason.</returns>
    /// <exception cref="SqsClientException">The whole call failed; <see cref="SqsClientException.IsRetryable"/> says whether to retry.</exception>
    Task<IReadOnlyList<DeliveryOutcome>> SendBatchAsync(string queueUrl, IReadOnlyList<RoutedMessage> messages, CancellationToken cancellationToken);

    /// <summary>Checks that the queue exists and the credentials may read its attributes (<c>GetQueueAttributes</c>).</summary>
    /// <param name="queueUrl">The queue.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <exception cref="SqsClientException">It does not, with AWS's reason.</exception>
    Task CheckDestinationAsync(string queueUrl, CancellationToken cancellationToken);

    /// <summary>Checks the credentials without a particular queue (<c>ListQueues</c> with at most one result).</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <exception cref="SqsClientException">They are refused, with AWS's reason.</exception>
    Task CheckCredentialsAsync(CancellationToken cancellationToken);
}
