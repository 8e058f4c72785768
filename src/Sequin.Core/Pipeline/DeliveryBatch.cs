using Sequin.Sinks;

namespace Sequin.Pipeline;

/// <summary>A batch being filled or delivered by a partition, and its result once delivery returned.</summary>
internal sealed class DeliveryBatch(string key, DateTimeOffset deadline)
{
    /// <summary>The batch key shared by every message.</summary>
    public string Key { get; } = key;

    /// <summary>When the batch is sent even if not full (first message + linger).</summary>
    public DateTimeOffset Deadline { get; } = deadline;

    /// <summary>The messages in commit order.</summary>
    public List<PendingMessage> Entries { get; } = [];

    /// <summary>The payload bytes so far.</summary>
    public long PayloadBytes { get; set; }

    /// <summary>The sink's result, when it returned one.</summary>
    public BatchResult? Result { get; set; }

    /// <summary>The exception delivery threw, if any.</summary>
    public Exception? Exception { get; set; }

    /// <summary>Whether delivery was cancelled by a forced stop: its messages stay undelivered and un-acked.</summary>
    public bool Abandoned { get; set; }

    /// <summary>Adds a message.</summary>
    public void Add(PendingMessage entry)
    {
        Entries.Add(entry);
        PayloadBytes += entry.Routed!.Payload.Length;
    }
}
