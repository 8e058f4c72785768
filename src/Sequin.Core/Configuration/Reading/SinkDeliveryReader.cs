using Sequin.Messages;
using Sequin.Pipeline;

namespace Sequin.Configuration;

/// <summary>
/// Reads a sink's batching, retry, parking and memory settings (<c>batch_size</c>, <c>batch_timeout_ms</c>,
/// <c>max_retry_count</c>, <c>park_after_failures</c>, <c>discarded_retention_days</c>, <c>timestamp_format</c>,
/// <c>max_memory_mb</c>, <c>partition_count</c>); a key left out keeps the consumer's default.
/// </summary>
internal static class SinkDeliveryReader
{
    /// <summary>The most messages per batch any sink takes; a sink's own limit may be lower (checked with its options).</summary>
    public const int MaxBatchSize = 1000;

    public static Func<SinkConsumerSettings, SinkConsumerSettings> Read(ConfigMap map)
    {
        var batchSize = (int?)map.Integer("batch_size", 1, MaxBatchSize);
        var batchTimeoutMs = map.Integer("batch_timeout_ms", 1, int.MaxValue);
        var maxRetryCount = (int?)map.Integer("max_retry_count", 0, int.MaxValue);
        var parkAfterFailures = (int?)map.Integer("park_after_failures", 0, int.MaxValue);
        var discardedRetentionDays = map.Integer("discarded_retention_days", 1, 36_500);
        var timestampFormat = map.Enum<TimestampFormat>("timestamp_format");
        var maxMemoryMb = map.Integer("max_memory_mb", 128, 1024 * 1024);
        var partitionCount = (int?)map.Integer("partition_count", 1, 1024);
        return settings => settings with
        {
            BatchSize = batchSize,
            BatchTimeout = batchTimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            MaxRetryCount = maxRetryCount,
            ParkAfterFailures = parkAfterFailures ?? settings.ParkAfterFailures,
            DiscardedRetention = discardedRetentionDays is { } days ? TimeSpan.FromDays(days) : settings.DiscardedRetention,
            TimestampFormat = timestampFormat ?? settings.TimestampFormat,
            MaxBufferedBytes = maxMemoryMb is { } mb ? mb * 1024 * 1024 : settings.MaxBufferedBytes,
            Partitions = partitionCount ?? settings.Partitions,
        };
    }
}
