using System.Diagnostics;
using Sequin.Core.Tests.Support;
using Sequin.Diagnostics;
using Sequin.Messages;
using Sequin.Pipeline;
using Sequin.Runtime;
using Sequin.Sinks;
using Sequin.TestServers;
using Xunit.Abstractions;

namespace Sequin.Core.Tests.Runtime;

public sealed class ThroughputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FiftyThousandChangesFlowThroughWithManyBatchesInFlight()
    {
        const int Count = 50_000;
        using var metrics = new SequinMetrics();
        var pipeline = new FakeSinkPipeline(TimeProvider.System, new BatchingOptions { MaxMessages = 200, Linger = TimeSpan.FromMilliseconds(5) })
        {
            OnDeliver = async (_, _) =>
            {
                await Task.Yield();
                return BatchResult.AllDelivered;
            },
        };
        var settings = ConsumerHarness.Settings_(partitions: 2) with { MaxBufferedMessages = 10_000 };
        await using var consumer = new SinkConsumer(settings, pipeline, new FakeProcessorFactory(), new ListLogger(), TimeProvider.System, metrics);
        await consumer.StartAsync(default);
        var dispatcher = new ChangeDispatcher([consumer]);
        var tracker = new AckTracker();
        var changes = new List<(TransactionInfo Txn, ChangeMessage[] Changes)>();
        for (var t = 0; t < Count / 10; t++)
        {
            var txn = Some.Transaction(0x10_0000UL + ((ulong)t * 0x100));
            changes.Add((txn, Enumerable.Range(0, 10).Select(i => Some.Change((t * 10) + i % 5000, txn, i)).ToArray()));
        }

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        foreach (var (txn, txnChanges) in changes)
        {
            tracker.Begin(txn);
            dispatcher.BeginTransaction(txn);
            foreach (var c in txnChanges)
            {
                await dispatcher.HandleAsync(c, default);
            }

            dispatcher.CommitTransaction(txn, txn.CommitLsn + 8);
            txn.Commit(txn.CommitLsn + 8);
        }

        var last = changes[^1].Txn.EndLsn;
        await Wait.UntilAsync(() => tracker.GetConfirmableLsn() == last, "every transaction is confirmable", TimeSpan.FromSeconds(60));
        watch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

        Assert.Equal(Count, consumer.DeliveredMessages);
        Assert.Empty(pipeline.Violations);
        output.WriteLine($"{Count} changes in {watch.Elapsed.TotalMilliseconds:F0} ms = {Count / watch.Elapsed.TotalSeconds:F0} changes/s wall clock; {cpu.TotalMicroseconds / Count:F1} µs CPU per change (all threads); {pipeline.Batches.Count} batches, peak buffer {consumer.PeakBufferedMessages} messages / {consumer.PeakBufferedBytes} bytes");
    }
}
