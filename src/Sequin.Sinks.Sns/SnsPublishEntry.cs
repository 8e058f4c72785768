namespace Sequin.Sinks.Sns;

/// <summary>One message to publish.</summary>
/// <param name="Message">The message body (the sink sends the payload JSON).</param>
public sealed record SnsPublishEntry(string Message)
{
    /// <summary>The entry id inside a <c>PublishBatch</c> call (unique, up to 80 letters, digits, <c>-</c>, <c>_</c>); unused by <c>Publish</c>.</summary>
    public string? Id { get; init; }

    /// <summary>For FIFO topics, the <c>MessageGroupId</c>; null otherwise.</summary>
    public string? MessageGroupId { get; init; }

    /// <summary>For FIFO topics, the <c>MessageDeduplicationId</c>; null otherwise.</summary>
    public string? MessageDeduplicationId { get; init; }

    /// <summary>String message attributes (name ⇒ value), or null. The sink sets <c>action</c> and <c>table</c>.</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    /// <summary>
    /// The size SNS counts against its 256 KiB limit: the UTF-8 bytes of the message plus each attribute's name,
    /// data type (<c>String</c>) and value.
    /// </summary>
    public int Size
    {
        get
        {
            var size = System.Text.Encoding.UTF8.GetByteCount(Message);
            if (Attributes is not null)
            {
                foreach (var (name, value) in Attributes)
                {
                    size += System.Text.Encoding.UTF8.GetByteCount(name) + "String".Length + System.Text.Encoding.UTF8.GetByteCount(value);
                }
            }

            return size;
        }
    }
}
