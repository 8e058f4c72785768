namespace Sequin.Sinks.Sns;

/// <summary>One message to publish.</summary>
/// <param name="Message">The message body (the sink sends the payload JSON).</param>
internal sealed record SnsPublishEntry(string Message)
{
    /// <summary>The entry id inside a <c>PublishBatch</c> call (unique, up to 80 letters, digits, <c>-</c>, <c>_</c>); unused by <c>Publish</c>.</summary>
    public string? Id { get; init; }

    /// <summary>For FIFO topics, the <c>MessageGroupId</c>; null otherwise.</summary>
    public string? MessageGroupId { get; init; }

    /// <summary>For FIFO topics, the <c>MessageDeduplicationId</c>; null otherwise.</summary>
    public string? MessageDeduplicationId { get; init; }

    /// <summary>String message attributes (name ⇒ value), or null. The sink sets <c>action</c> and <c>table</c>.</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }
}
