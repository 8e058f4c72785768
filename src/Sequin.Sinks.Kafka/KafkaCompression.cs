namespace Sequin.Sinks.Kafka;

/// <summary>The compression the producer applies to message batches (<c>compression</c>).</summary>
public enum KafkaCompression
{
    /// <summary>No compression. YAML: <c>none</c>.</summary>
    None,

    /// <summary>gzip. YAML: <c>gzip</c>.</summary>
    Gzip,

    /// <summary>Snappy. YAML: <c>snappy</c>.</summary>
    Snappy,

    /// <summary>LZ4. YAML: <c>lz4</c>.</summary>
    Lz4,

    /// <summary>Zstandard (brokers 2.1 and later). YAML: <c>zstd</c>.</summary>
    Zstd,
}
