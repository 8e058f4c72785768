namespace Sequin.TestServers;

/// <summary>One record read back from a topic by <see cref="KafkaTopicReader"/>.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">The offset in the partition.</param>
/// <param name="Key">The key as text, or null.</param>
/// <param name="Headers">The headers in order (names may repeat).</param>
/// <param name="Payload">The value as text, or null for a tombstone.</param>
public sealed record KafkaRecord(string Topic, int Partition, long Offset, string? Key, IReadOnlyList<KeyValuePair<string, string?>> Headers, string? Payload)
{
    /// <summary>The value of the first header named <paramref name="name"/>, or null.</summary>
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key == name).Value;
}
