namespace Sequin.Pipeline;

/// <summary>The FIFO of one ordering group inside a partition; only its head may be in a batch.</summary>
internal sealed class MessageGroup(GroupKey? key)
{
    /// <summary>The key, or null for an ungrouped message (a group of its own that is never looked up).</summary>
    public GroupKey? Key { get; } = key;

    /// <summary>The group's messages in commit order; the head is the one being processed, batched or retried.</summary>
    public PendingQueue Messages { get; } = new();

    /// <summary>Set while the group is parked: its head and older messages are in the parked-messages table.</summary>
    public ParkState? Parked { get; set; }

    /// <summary>What the head is doing.</summary>
    public MessageGroupState State { get; set; }
}
