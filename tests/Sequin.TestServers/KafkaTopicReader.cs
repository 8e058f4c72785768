using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Sequin.Sinks.Kafka;

namespace Sequin.TestServers;

/// <summary>
/// Reads a topic back with Confluent.Kafka's consumer (on the bundled librdkafka): every record of every partition
/// currently in the topic, headers included, without joining a consumer group or committing offsets.
/// </summary>
public static class KafkaTopicReader
{
    /// <summary>How long one read may take before it fails. Default: 15 s.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Reads every record currently in <paramref name="topic"/>, ordered by partition and offset.</summary>
    /// <exception cref="InvalidOperationException">The topic does not exist, or the cluster did not answer in time; the message says which.</exception>
    public static Task<IReadOnlyList<KafkaRecord>> ReadAsync(string bootstrapServers, string topic, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        KafkaNativeLibrary.EnsureLoaded();

        // The consumer's calls block: keep them off the test's thread.
        return Task.Run<IReadOnlyList<KafkaRecord>>(() => Read(bootstrapServers, topic, cancellationToken), cancellationToken);
    }

    /// <summary>Reads the topic until <paramref name="condition"/> holds for its records, or fails after <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">The condition did not hold in time; the message tells how many records were seen.</exception>
    public static async Task<IReadOnlyList<KafkaRecord>> WaitForAsync(
        string bootstrapServers, string topic, Func<IReadOnlyList<KafkaRecord>, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        IReadOnlyList<KafkaRecord> records = [];
        string? lastError = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                records = await ReadAsync(bootstrapServers, topic, cancellationToken);
                lastError = null;
                if (condition(records))
                {
                    return records;
                }
            }
            catch (InvalidOperationException ex)
            {
                lastError = ex.Message; // e.g. the topic is not there yet, or the broker is down for a moment: read again.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"Topic '{topic}' did not reach the expected state within {timeout.TotalSeconds} s; last read {records.Count} record(s). {lastError}");
    }

    private static List<KafkaRecord> Read(string bootstrapServers, string topic, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var partitions = Partitions(bootstrapServers, topic);
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "sequin-test-reader-" + Guid.NewGuid().ToString("N"), // never joined: partitions are assigned, offsets not committed
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            AllowAutoCreateTopics = false,
            SocketNagleDisable = true,
            LogConnectionClose = false,
        };
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler((_, _) => { }).Build();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<KafkaRecord>();
        var open = new HashSet<int>(partitions);
        while (open.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (deadline.Elapsed > ReadTimeout)
            {
                throw new InvalidOperationException($"Reading topic '{topic}' did not reach the end of partition(s) {string.Join(", ", open)} within {ReadTimeout.TotalSeconds} s.");
            }

            ConsumeResult<byte[]?, byte[]?>? result;
            try
            {
                result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            }
            catch (ConsumeException ex)
            {
                throw new InvalidOperationException($"Reading topic '{topic}' failed: {ex.Error.Code}: {ex.Error.Reason}", ex);
            }

            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                open.Remove(result.Partition.Value);
                continue;
            }

            var message = result.Message;
            var headers = message.Headers?.Select(h => new KeyValuePair<string, string?>(h.Key, h.GetValueBytes() is { } v ? Encoding.UTF8.GetString(v) : null)).ToList() ?? [];
            records.Add(new KafkaRecord(
                result.Topic,
                result.Partition.Value,
                result.Offset.Value,
                message.Key is null ? null : Encoding.UTF8.GetString(message.Key),
                headers,
                message.Value is null ? null : Encoding.UTF8.GetString(message.Value)));
        }

        records.Sort((a, b) => a.Partition != b.Partition ? a.Partition.CompareTo(b.Partition) : a.Offset.CompareTo(b.Offset));
        return records;
    }

    /// <summary>The topic's partitions, asked of the cluster without creating the topic.</summary>
    private static List<int> Partitions(string bootstrapServers, string topic)
    {
        var config = new AdminClientConfig
        {
            BootstrapServers = bootstrapServers,
            AllowAutoCreateTopics = false,
            SocketNagleDisable = true,
            LogConnectionClose = false,
        };
        using var admin = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).Build();
        Metadata metadata;
        try
        {
            metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(5));
        }
        catch (KafkaException ex)
        {
            throw new InvalidOperationException($"Reading topic '{topic}' failed: no metadata: {ex.Error.Code}: {ex.Error.Reason}", ex);
        }

        var found = metadata.Topics.SingleOrDefault(t => t.Topic == topic);
        if (found is null || found.Error.IsError || found.Partitions.Count == 0)
        {
            throw new InvalidOperationException($"Topic '{topic}' does not exist{(found?.Error.IsError == true ? $" ({found.Error.Code}: {found.Error.Reason})" : string.Empty)}.");
        }

        return found.Partitions.Select(p => p.PartitionId).Order().ToList();
    }
}
