using System.Runtime.InteropServices;
using static Sequin.TestServers.LibrdkafkaMockNative;

namespace Sequin.TestServers;

/// <summary>
/// A Kafka-protocol mock cluster: librdkafka's own <c>rd_kafka_mock</c>, from the librdkafka.redist package the Kafka sink
/// ships with, called by P/Invoke and running on its own thread in this process, listening on 127.0.0.1 (ephemeral
/// ports). Other processes (the <c>sequin</c> host) reach it like any broker. Brokers can be taken down and up again for
/// outage tests. Topics are auto-created on first produce with 4 partitions; admin CreateTopics does not work on the
/// mock, use <see cref="CreateTopicAsync"/>.
/// </summary>
public sealed class KafkaMockBroker : IAsyncDisposable
{
    private const int ProducerType = 0; // RD_KAFKA_PRODUCER
    private readonly Lock _gate = new();
    private IntPtr _handle;
    private IntPtr _cluster;

    private KafkaMockBroker(IntPtr handle, IntPtr cluster, int brokerCount)
    {
        _handle = handle;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = Marshal.PtrToStringUTF8(rd_kafka_mock_cluster_bootstraps(cluster))
            ?? throw new InvalidOperationException("The Kafka mock cluster has no bootstrap servers.");
    }

    /// <summary>The bootstrap servers, <c>127.0.0.1:port[,127.0.0.1:port...]</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>The number of brokers in the cluster.</summary>
    public int BrokerCount { get; }

    /// <summary>The librdkafka file the cluster runs in (the bundled librdkafka.redist one).</summary>
    public static string LibraryPath => LibrdkafkaMockNative.LibraryPath;

    /// <summary>The version of that librdkafka.</summary>
    public static string LibraryVersion => LibrdkafkaMockNative.Version;

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers.</summary>
    /// <exception cref="InvalidOperationException">librdkafka could not be loaded or refused; the message says why.</exception>
    public static Task<KafkaMockBroker> StartAsync(int brokers = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        cancellationToken.ThrowIfCancellationRequested();
        EnsureBound();

        // The cluster needs a client handle of its own: it takes its settings (logging, socket options) from it.
        var errors = new byte[512];
        var conf = rd_kafka_conf_new();
        foreach (var (name, value) in new[]
                 {
                     ("log_level", "0"),
                     // The mock's connections inherit this: real brokers disable Nagle's algorithm, and without it a small
                     // second response waits for the client's delayed ACK (about 40 ms).
                     ("socket.nagle.disable", "true"),
                 })
        {
            if (rd_kafka_conf_set(conf, name, value, errors, (UIntPtr)errors.Length) != 0)
            {
                rd_kafka_conf_destroy(conf);
                throw new InvalidOperationException($"librdkafka refused {name}={value}: {Text(errors)}");
            }
        }

        var handle = rd_kafka_new(ProducerType, conf, errors, (UIntPtr)errors.Length); // owns conf from here, on success only
        if (handle == IntPtr.Zero)
        {
            rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"librdkafka could not create the mock cluster's client: {Text(errors)}");
        }

        var cluster = rd_kafka_mock_cluster_new(handle, brokers);
        if (cluster == IntPtr.Zero)
        {
            rd_kafka_destroy(handle);
            throw new InvalidOperationException("librdkafka could not create the mock cluster (see its log).");
        }

        return Task.FromResult(new KafkaMockBroker(handle, cluster, brokers));
    }

    /// <summary>Takes a broker (1-based id), or every broker when null, down: connections are closed and refused.</summary>
    public Task SetDownAsync(int? brokerId = null, CancellationToken cancellationToken = default) =>
        ForBrokers(brokerId, "down", rd_kafka_mock_broker_set_down, cancellationToken);

    /// <summary>Brings a broker, or every broker when null, back up.</summary>
    public Task SetUpAsync(int? brokerId = null, CancellationToken cancellationToken = default) =>
        ForBrokers(brokerId, "up", rd_kafka_mock_broker_set_up, cancellationToken);

    /// <summary>Creates a topic with <paramref name="partitions"/> partitions (replicated on up to 3 brokers).</summary>
    public Task CreateTopicAsync(string topic, int partitions, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            Check(rd_kafka_mock_topic_create(Cluster, topic, partitions, Math.Min(BrokerCount, 3)), $"topic {topic} {partitions}");
        }

        return Task.CompletedTask;
    }

    /// <summary>Makes the next <paramref name="count"/> requests of a Kafka API (e.g. 0 = Produce) fail with a Kafka error code.</summary>
    public Task PushRequestErrorsAsync(short apiKey, int errorCode, int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(apiKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            rd_kafka_mock_push_request_errors_array(Cluster, apiKey, (UIntPtr)count, Enumerable.Repeat(errorCode, count).ToArray());
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops the cluster: its brokers close their connections and listeners.</summary>
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_cluster != IntPtr.Zero)
            {
                rd_kafka_mock_cluster_destroy(_cluster);
                rd_kafka_destroy(_handle);
                _cluster = IntPtr.Zero;
                _handle = IntPtr.Zero;
            }
        }

        return ValueTask.CompletedTask;
    }

    private IntPtr Cluster
    {
        get
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            return _cluster;
        }
    }

    private Task ForBrokers(int? brokerId, string what, Func<IntPtr, int, int> call, CancellationToken cancellationToken)
    {
        if (brokerId is { } id)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(id, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(id, BrokerCount);
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            for (var broker = 1; broker <= BrokerCount; broker++)
            {
                if (brokerId is null || brokerId == broker)
                {
                    Check(call(Cluster, broker), $"{what} {broker}");
                }
            }
        }

        return Task.CompletedTask;
    }

    private static void Check(int error, string command)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"Kafka mock command '{command}' failed: {ErrorText(error)}");
        }
    }
}
