namespace Sequin.Pipeline;

/// <summary>
/// Spreads a consumer's messages over its worker partitions: every message of a group goes to the same partition (a
/// hash of table, truncate flag and group id), so a group's order holds; a message without a group goes round-robin.
/// The partitions are created on first use, so messages taken before the consumer starts wait in them.
/// </summary>
/// <param name="count">How many partitions.</param>
/// <param name="create">Creates the partition of an index.</param>
internal sealed class PartitionRouter(int count, Func<int, ConsumerPartition> create)
{
    private readonly Lock _lock = new();
    private ConsumerPartition[] _partitions = [];
    private uint _spread;

    /// <summary>The partitions created so far: none before the first message or start, then all of them.</summary>
    public IReadOnlyList<ConsumerPartition> Created => Volatile.Read(ref _partitions);

    /// <summary>The partitions, created now if they were not.</summary>
    public IReadOnlyList<ConsumerPartition> EnsurePartitions()
    {
        var partitions = Volatile.Read(ref _partitions);
        if (partitions.Length > 0)
        {
            return partitions;
        }

        lock (_lock)
        {
            if (_partitions.Length == 0)
            {
                var created = new ConsumerPartition[count];
                for (var i = 0; i < created.Length; i++)
                {
                    created[i] = create(i);
                }

                Volatile.Write(ref _partitions, created);
            }

            return _partitions;
        }
    }

    /// <summary>Posts a message to its partition, waking it unless <paramref name="wake"/> is false (see <see cref="WakeAll"/>).</summary>
    public void Route(PendingMessage entry, bool wake = true)
    {
        var partitions = EnsurePartitions();
        var index = entry.Key is { } key
            ? IndexOf(key, partitions.Count)
            : (int)(Interlocked.Increment(ref _spread) % (uint)partitions.Count);
        partitions[index].Post(new PartitionEvent(entry, null, Stop: false), wake);
    }

    /// <summary>Wakes every partition that sleeps while messages routed without a wake wait for it.</summary>
    public void WakeAll()
    {
        foreach (var partition in Volatile.Read(ref _partitions))
        {
            partition.Wake();
        }
    }

    /// <summary>The partition that holds a group.</summary>
    public ConsumerPartition PartitionOf(GroupKey key)
    {
        var partitions = EnsurePartitions();
        return partitions[IndexOf(key, partitions.Count)];
    }

    private static int IndexOf(GroupKey key, int count)
    {
        var hash = (uint)HashCode.Combine(key.TableOid, key.IsTruncate, string.GetHashCode(key.GroupId, StringComparison.Ordinal));
        return (int)(hash % (uint)count);
    }
}
