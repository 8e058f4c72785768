using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Amazon.Runtime;
using Amazon.SQS.Model;
using Amazon.SQS;
using Sequin.Sinks.Aws;
using Sequin.Sinks.Sqs.Internal;
using Sequin.Sinks;

namespace Sequin.Sinks.Sqs;

/// <summary>
/// The default <see cref="ISqsClient"/>, on the AWS SDK's <see cref="AmazonSQSClient"/>: one SDK client per region
/// (a routing function may send to queues in several regions; with <c>endpoint_url</c> there is one), created on first
/// use and disposed with this. Maps the SDK's per-entry results and exceptions to <see cref="DeliveryOutcome"/> and
/// <see cref="SqsClientException"/>: sender faults (a malformed request, a missing queue, refused credentials) are
/// permanent, throttling, server and network errors retryable. The SDK does not retry by itself: Core retries with backoff.
/// </summary>
internal sealed class SqsClient : ISqsClient
{
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "RequestThrottled", "ThrottlingException", "Throttling", "KmsThrottled", "KMS.ThrottlingException", "RequestTimeout", "ServiceUnavailable",
    };

    private readonly SqsSinkOptions _options;
    private readonly Func<string, IAmazonSQS> _createClient;
    private readonly ConcurrentDictionary<string, Lazy<IAmazonSQS>> _clients = new(StringComparer.Ordinal);

    /// <summary>Creates the client of one sink; the SDK clients are created on first use from the options.</summary>
    /// <param name="options">The sink's validated options.</param>
    public SqsClient(SqsSinkOptions options)
        : this(options, region => CreateSdkClient(options, region))
    {
    }

    /// <summary>Creates a client over SDK clients made by <paramref name="createClient"/> (one per region; tests pass a mock).</summary>
    /// <param name="options">The sink's validated options.</param>
    /// <param name="createClient">Makes the SDK client of a region; each is disposed with this.</param>
    public SqsClient(SqsSinkOptions options, Func<string, IAmazonSQS> createClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(createClient);
        _options = options;
        _createClient = createClient;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeliveryOutcome>> SendBatchAsync(string queueUrl, IReadOnlyList<RoutedMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queueUrl);
        ArgumentNullException.ThrowIfNull(messages);
        var fifo = AwsAddressKind.IsFifo(queueUrl);
        var entries = new List<SendMessageBatchRequestEntry>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var entry = new SendMessageBatchRequestEntry
            {
                Id = i.ToString(CultureInfo.InvariantCulture),
                MessageBody = Encoding.UTF8.GetString(message.Payload.Span),
            };
            if (fifo)
            {
                // Ordered per row (the group id); without message grouping, per table.
                entry.MessageGroupId = FifoMessageIds.MessageGroupId(message.GroupId ?? message.Message.Relation.Schema + "." + message.Message.Relation.Table);
                entry.MessageDeduplicationId = FifoMessageIds.MessageDeduplicationId(message.Message.IdempotencyKey);
            }

            entries.Add(entry);
        }

        var response = await CallAsync(
            queueUrl,
            sqs => sqs.SendMessageBatchAsync(new SendMessageBatchRequest { QueueUrl = queueUrl, Entries = entries }, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return Results(response, messages.Count);
    }

    /// <inheritdoc />
    public async Task CheckDestinationAsync(string queueUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queueUrl);
        await CallAsync(
            queueUrl,
            sqs => sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = queueUrl, AttributeNames = ["QueueArn"] }, cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task CheckCredentialsAsync(CancellationToken cancellationToken) =>
        await CallAsync(null, sqs => sqs.ListQueuesAsync(new ListQueuesRequest { MaxResults = 1 }, cancellationToken), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            if (client.IsValueCreated)
            {
                client.Value.Dispose();
            }
        }

        _clients.Clear();
        return ValueTask.CompletedTask;
    }

    private static AmazonSQSClient CreateSdkClient(SqsSinkOptions options, string region)
    {
        var config = new AmazonSQSConfig
        {
            Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
            MaxErrorRetry = 0, // Core retries with backoff, and counts the attempts against max_retry_count.
        };
        if (options.EffectiveEndpointUrl is { } endpoint)
        {
            config.ServiceURL = endpoint.AbsoluteUri;
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        }

        return options.CreateCredentials() is { } credentials ? new AmazonSQSClient(credentials, config) : new AmazonSQSClient(config);
    }

    private static DeliveryOutcome[] Results(SendMessageBatchResponse response, int count)
    {
        var results = new DeliveryOutcome?[count];
        foreach (var ok in response.Successful ?? [])
        {
            if (TryIndex(ok.Id, count, out var i))
            {
                results[i] = DeliveryOutcome.Delivered;
            }
        }

        foreach (var failed in response.Failed ?? [])
        {
            if (TryIndex(failed.Id, count, out var i))
            {
                var error = $"Error from AWS: {failed.Message} ({failed.Code})";
                results[i] = failed.SenderFault == true ? DeliveryOutcome.Permanent(error) : DeliveryOutcome.Retry(error);
            }
        }

        return [.. results.Select(r => r ?? DeliveryOutcome.Retry("SQS returned no result for this message."))];
    }

    private static bool TryIndex(string? id, int count, out int index) =>
        int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out index) && index < count;

    private static SqsClientException Map(Exception ex) => ex switch
    {
        AmazonServiceException service => new SqsClientException(
            string.Create(CultureInfo.InvariantCulture, $"Error from AWS: {service.Message} ({service.ErrorCode}, status={(int)service.StatusCode})"),
            isRetryable: service.ErrorType != ErrorType.Sender || (service.ErrorCode is { } code && ThrottlingCodes.Contains(code)),
            service),
        _ => new SqsClientException("SQS cannot be reached: " + ex.Message, isRetryable: true, ex),
    };

    private async Task<T> CallAsync<T>(string? queueUrl, Func<IAmazonSQS, Task<T>> call, CancellationToken cancellationToken)
    {
        var region = RegionFor(queueUrl);
        IAmazonSQS sqs;
        try
        {
            sqs = _clients.GetOrAdd(region, r => new Lazy<IAmazonSQS>(() => _createClient(r))).Value;
        }
        catch (ArgumentException ex)
        {
            throw new SqsClientException($"Cannot create an SQS client for region '{region}': {ex.Message}", isRetryable: false, ex);
        }

        try
        {
            return await call(sqs).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            throw new SqsClientException($"SQS did not answer within timeout_seconds ({_options.TimeoutSeconds} s).", isRetryable: true, ex);
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException or IOException)
        {
            throw Map(ex);
        }
    }

    // The queue's own region when its URL names one (dynamic routing may span regions); else the configured one.
    private string RegionFor(string? queueUrl) =>
        (_options.EffectiveEndpointUrl is null && queueUrl is not null ? SqsSinkOptions.QueueUrlKind.RegionOf(queueUrl) : null)
            ?? _options.EffectiveRegion ?? throw new SqsClientException("No region: set region, or a queue_url on sqs.<region>.amazonaws.com.", isRetryable: false);
}
