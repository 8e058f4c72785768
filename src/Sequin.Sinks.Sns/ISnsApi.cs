namespace Sequin.Sinks.Sns;

/// <summary>
/// The SNS calls the sink makes, one method per Query API action. The built-in implementation signs requests with
/// SigV4 and sends them with <see cref="HttpClient"/>; an official SDK client can stand in behind the same interface.
/// Errors from AWS (and transport failures) come back as <see cref="SnsResult{T}.Error"/>, never as exceptions.
/// </summary>
internal interface ISnsApi
{
    /// <summary>Publishes one message (<c>Publish</c>). Returns the message id.</summary>
    Task<SnsResult<string>> PublishAsync(string topicArn, SnsPublishEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes up to 10 messages in one call (<c>PublishBatch</c>). Each entry needs a unique <see cref="SnsPublishEntry.Id"/>.
    /// A call that succeeds may still report failed entries in <see cref="SnsPublishBatchResponse.Failed"/>.
    /// </summary>
    Task<SnsResult<SnsPublishBatchResponse>> PublishBatchAsync(string topicArn, IReadOnlyList<SnsPublishEntry> entries, CancellationToken cancellationToken);

    /// <summary>Reads a topic's attributes (<c>GetTopicAttributes</c>); fails with <c>NotFound</c> when it does not exist.</summary>
    Task<SnsResult<IReadOnlyDictionary<string, string>>> GetTopicAttributesAsync(string topicArn, CancellationToken cancellationToken);

    /// <summary>Lists one page of the account's topics in the region (<c>ListTopics</c>).</summary>
    /// <param name="nextToken">The token of the page to read, or null for the first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<SnsResult<SnsTopicPage>> ListTopicsAsync(string? nextToken, CancellationToken cancellationToken);

    /// <summary>Creates a topic, or returns the existing one's ARN (<c>CreateTopic</c>).</summary>
    /// <param name="name">The topic name; a name ending in <c>.fifo</c> needs the <c>FifoTopic</c> attribute.</param>
    /// <param name="attributes">Topic attributes such as <c>FifoTopic</c>, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<SnsResult<string>> CreateTopicAsync(string name, IReadOnlyDictionary<string, string>? attributes, CancellationToken cancellationToken);
}
