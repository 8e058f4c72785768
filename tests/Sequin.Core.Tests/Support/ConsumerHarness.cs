using Sequin.Diagnostics;
using Sequin.Messages;
using Sequin.Pipeline;
using Sequin.Runtime;
using Sequin.TestServers;

namespace Sequin.Core.Tests.Support;

/// <summary>A consumer wired to fakes, started, with a dispatcher and an ack tracker; disposes everything.</summary>
internal sealed class ConsumerHarness : IAsyncDisposable
{
    public ConsumerHarness(
        SinkConsumerSettings? settings = null,
        Action<FakeSinkPipeline>? configurePipeline = null,
        FakeProcessorFactory? processors = null,
        Sequin.Parking.IParkingStore? parking = null,
        FakeTimeProvider? time = null,
        Sequin.Functions.EnrichmentQuery? enrichment = null)
    {
        Time = time ?? new FakeTimeProvider();
        Pipeline = new FakeSinkPipeline(Time);
        configurePipeline?.Invoke(Pipeline);
        Processors = processors ?? new FakeProcessorFactory();
        Settings = settings ?? Settings_();
        Consumer = new SinkConsumer(Settings, Pipeline, Processors, Logger, Time, Metrics, parking) { Enrichment = enrichment };
        Dispatcher = new ChangeDispatcher([Consumer]);
        Consumer.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public FakeTimeProvider Time { get; }

    public FakeSinkPipeline Pipeline { get; }

    public FakeProcessorFactory Processors { get; }

    public ListLogger Logger { get; } = new();

    public SequinMetrics Metrics { get; } = new();

    public SinkConsumerSettings Settings { get; }

    public SinkConsumer Consumer { get; }

    public ChangeDispatcher Dispatcher { get; }

    public AckTracker Tracker { get; } = new();

    public static SinkConsumerSettings Settings_(int partitions = 4, int? maxRetryCount = null) => new()
    {
        Consumer = new ConsumerInfo("sink-1", "sink-1"),
        Database = "db",
        Partitions = partitions,
        RetryJitter = 0,
        MaxRetryCount = maxRetryCount,
    };

    /// <summary>Feeds one transaction the way the replication source does, and commits it.</summary>
    public async Task<TransactionInfo> FeedAsync(IReadOnlyList<ChangeMessage> changes, ulong? endLsn = null)
    {
        var txn = changes[0].Transaction;
        Tracker.Begin(txn);
        Dispatcher.BeginTransaction(txn);
        foreach (var c in changes)
        {
            await Dispatcher.HandleAsync(c, CancellationToken.None);
        }

        var end = endLsn ?? txn.CommitLsn + 8;
        Dispatcher.CommitTransaction(txn, end);
        txn.Commit(end);
        return txn;
    }

    /// <summary>Feeds each change as its own transaction.</summary>
    public async Task<List<TransactionInfo>> FeedEachAsync(IEnumerable<Func<TransactionInfo, ChangeMessage>> changes)
    {
        var txns = new List<TransactionInfo>();
        foreach (var make in changes)
        {
            txns.Add(await FeedAsync([make(Some.Transaction())]));
        }

        return txns;
    }

    public async ValueTask DisposeAsync()
    {
        await Consumer.DisposeAsync();
        Metrics.Dispose();
    }
}
