using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Pipeline;

/// <summary>A message a consumer owes a delivery for, from enqueue until delivered, filtered or discarded.</summary>
internal sealed class PendingMessage(ChangeMessage message, string? groupId, GroupKey? key)
{
    /// <summary>The change.</summary>
    public ChangeMessage Message { get; } = message;

    /// <summary>The group id given to the processor and the sink.</summary>
    public string? GroupId { get; } = groupId;

    /// <summary>The buffer bytes accounted for it.</summary>
    public int Size { get; } = message.EstimatedSize;

    /// <summary>The ordering key, or null for an ungrouped message.</summary>
    public GroupKey? Key { get; } = key;

    /// <summary>The group it belongs to, set by the partition.</summary>
    public MessageGroup? Group { get; set; }

    /// <summary>The routed message once processing succeeded; kept across delivery retries.</summary>
    public RoutedMessage? Routed { get; set; }

    /// <summary>The batch key of <see cref="Routed"/>.</summary>
    public string? BatchKey { get; set; }

    /// <summary>The row id when this message was read back from the parked-messages table; null for a message from the WAL.</summary>
    public long? ParkedId { get; set; }

    /// <summary>Whether the sink's enrichment function ran for it (since its last failed attempt).</summary>
    public bool Enriched { get; set; }

    /// <summary>Its <c>metadata.enrichment</c> (a JSON object), or null when there is no function or no row.</summary>
    public string? Enrichment { get; set; }

    /// <summary>Why its enrichment query failed (naming the function), or null; fails the attempt retryably.</summary>
    public string? EnrichmentError { get; set; }

    /// <summary>Failed attempts so far (processing and delivery).</summary>
    public int FailedAttempts { get; set; }
}
