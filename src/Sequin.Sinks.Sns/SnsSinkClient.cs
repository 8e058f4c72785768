using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sequin.Sinks.Sns.Internal;

namespace Sequin.Sinks.Sns;

/// <summary>
/// The SNS sink's client: connection checks and <see cref="PublishAsync"/>, which enforces SNS's limits before
/// sending (256 KiB per message and per call, 10 entries per call) and reports one outcome per message.
/// </summary>
public sealed class SnsSinkClient : ISinkClient
{
    /// <summary>SNS's limit for one message and for one <c>PublishBatch</c> call: 256 KiB (262 144 bytes).</summary>
    public const int MaxMessageBytes = 256 * 1024;

    /// <summary>SNS's limit of entries per <c>PublishBatch</c> call: 10.</summary>
    public const int MaxBatchEntries = 10;

    private readonly ISnsApi _api;
    private readonly SnsSinkOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a client over an <see cref="ISnsApi"/>.</summary>
    /// <param name="api">The SNS calls; disposed with the client when it is <see cref="IDisposable"/>.</param>
    /// <param name="options">The sink's options (for the configured topic).</param>
    /// <param name="logger">The logger, or null.</param>
    public SnsSinkClient(ISnsApi api, SnsSinkOptions options, ILogger<SnsSinkClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(options);
        _api = api;
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The SNS calls this client makes.</summary>
    public ISnsApi Api => _api;

    /// <summary>The sink's options.</summary>
    public SnsSinkOptions Options => _options;

    /// <inheritdoc />
    /// <remarks>Calls <c>GetTopicAttributes</c> on the configured <c>topic_arn</c> (needs <c>sns:GetTopicAttributes</c>).</remarks>
    public async Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken)
    {
        if (_options.TopicArn is not { } arn)
        {
            return ConnectionTestResult.Failed("No topic_arn is configured (routing is dynamic): test the credentials instead.");
        }

        var result = await _api.GetTopicAttributesAsync(arn, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess
            ? ConnectionTestResult.Ok($"Topic {arn} is reachable (GetTopicAttributes succeeded{(SnsTopicArn.IsFifo(arn) ? ", FIFO topic" : string.Empty)}).")
            : ConnectionTestResult.Failed($"Topic {arn}: {result.Error}");
    }

    /// <inheritdoc />
    /// <remarks>Calls <c>ListTopics</c> (needs <c>sns:ListTopics</c>): the credentials are valid and authorized, no topic named.</remarks>
    public async Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken)
    {
        var result = await _api.ListTopicsAsync(null, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess
            ? ConnectionTestResult.Ok($"Credentials work: ListTopics returned {result.Value.TopicArns.Count} topic(s){(result.Value.NextToken is null ? string.Empty : " on its first page")}.")
            : ConnectionTestResult.Failed(result.Error.ToString());
    }

    /// <summary>
    /// Publishes messages to one topic with <c>PublishBatch</c>, in calls of at most 10 entries and 256 KiB, and
    /// returns one outcome per entry in order. An entry over 256 KiB fails as permanent without being sent; a
    /// rejected entry fails alone (retryable when AWS was at fault or throttled, else permanent); a failed call fails
    /// its entries (retryable for throttling, 5xx and transport errors, permanent for e.g. <c>NotFound</c> or
    /// <c>AuthorizationError</c>). Entry ids are assigned here.
    /// </summary>
    public async Task<DeliveryOutcome[]> PublishAsync(string topicArn, IReadOnlyList<SnsPublishEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicArn);
        ArgumentNullException.ThrowIfNull(entries);
        var outcomes = new DeliveryOutcome[entries.Count];
        var chunk = new List<(int Index, SnsPublishEntry Entry)>(MaxBatchEntries);
        var chunkBytes = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var size = entries[i].Size;
            if (size > MaxMessageBytes)
            {
                SnsSinkLog.MessageTooLarge(_logger, topicArn, size, MaxMessageBytes);
                outcomes[i] = DeliveryOutcome.Permanent(
                    $"Message is {size} bytes (payload and message attributes); SNS accepts at most {MaxMessageBytes} bytes per message. Not sent.");
                continue;
            }

            if (chunk.Count == MaxBatchEntries || chunkBytes + size > MaxMessageBytes)
            {
                await SendChunkAsync(topicArn, chunk, outcomes, cancellationToken).ConfigureAwait(false);
                chunk.Clear();
                chunkBytes = 0;
            }

            chunk.Add((i, entries[i] with { Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
            chunkBytes += size;
        }

        if (chunk.Count > 0)
        {
            await SendChunkAsync(topicArn, chunk, outcomes, cancellationToken).ConfigureAwait(false);
        }

        return outcomes;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        (_api as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task SendChunkAsync(string topicArn, List<(int Index, SnsPublishEntry Entry)> chunk, DeliveryOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var result = await _api.PublishBatchAsync(topicArn, chunk.ConvertAll(c => c.Entry), cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            var error = result.Error;
            var text = $"PublishBatch to {topicArn}: {error}";
            SnsSinkLog.BatchFailed(_logger, topicArn, chunk.Count, error.ToString());
            var outcome = error.IsRetryable ? DeliveryOutcome.Retry(text, error.RetryAfter) : DeliveryOutcome.Permanent(text);
            foreach (var (index, _) in chunk)
            {
                outcomes[index] = outcome;
            }

            return;
        }

        var failed = result.Value.Failed.ToDictionary(f => f.Id, StringComparer.Ordinal);
        var succeeded = result.Value.Successful.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        string? firstError = null;
        var failures = 0;
        foreach (var (index, entry) in chunk)
        {
            if (failed.TryGetValue(entry.Id!, out var f))
            {
                var throttled = f.Code is "Throttling" or "ThrottlingException" or "ThrottledException" or "KMSThrottling";
                var text = $"PublishBatch entry rejected by AWS: {f.Message ?? f.Code} (code={f.Code}, sender fault={(f.SenderFault ? "true" : "false")})";
                outcomes[index] = throttled || !f.SenderFault ? DeliveryOutcome.Retry(text, throttled ? TimeSpan.FromSeconds(1) : null) : DeliveryOutcome.Permanent(text);
                firstError ??= text;
                failures++;
            }
            else if (!succeeded.Contains(entry.Id!))
            {
                outcomes[index] = DeliveryOutcome.Retry($"PublishBatch response for {topicArn} did not mention entry {entry.Id}; retrying it.");
                firstError ??= "entry missing from the response";
                failures++;
            }
            else
            {
                outcomes[index] = DeliveryOutcome.Delivered;
            }
        }

        if (failures > 0)
        {
            SnsSinkLog.BatchPartiallyFailed(_logger, topicArn, failures, chunk.Count, firstError!);
        }
    }
}
