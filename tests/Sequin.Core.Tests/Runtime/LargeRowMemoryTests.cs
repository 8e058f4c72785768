using System.Collections.Concurrent;
using System.Text.Json;
using Sequin.Core.Tests.Replication.Support;
using Sequin.Core.Tests.Routing.Support;
using Sequin.Core.Tests.Support;
using Sequin.Diagnostics;
using Sequin.Messages;
using Sequin.Pipeline;
using Sequin.Routing;
using Sequin.Runtime;
using Sequin.Sinks;
using Sequin.TestServers;

namespace Sequin.Core.Tests.Runtime;

/// <summary>
/// Rows larger than a sink's buffer budget (<c>max_memory_mb</c>), read from a real PostgreSQL through the real
/// decoder, dispatcher, consumers and JSON writer: they are read into memory one at a time and delivered intact.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LargeRowMemoryTests(PostgresFixture fixture)
{
    private const int Rows = 8;
    private const int Budget = 16 * 1024 * 1024;

    // 12 UTF-8 bytes with a quote, a backslash and a newline (escaped in JSON) and 2- and 4-byte characters, which
    // land across the writer's segment boundaries.
    private const string Unit = "x\"é\\😀\n";
    private const int Repeats = (20 * 1024 * 1024) / 12;

    [Fact]
    public async Task ATransactionOfRowsLargerThanTheBudgetIsReadOneRowAtATimeAndDeliveredIntactOnce()
    {
        await using var harness = await ReplicationHarness.CreateAsync(fixture, "CREATE TABLE big (id int PRIMARY KEY, body text);");
        using var metrics = new SequinMetrics();
        var handedOver = 0;
        var violations = new ConcurrentQueue<string>();
        var delivered = new ConcurrentDictionary<(string Sink, int Id), int>();
        SinkConsumer[] consumers = [];

        async ValueTask<BatchResult> Deliver(string sink, SinkBatch batch, CancellationToken ct)
        {
            foreach (var message in batch.Messages)
            {
                var id = int.Parse(message.Message.Record[0].Text!, System.Globalization.CultureInfo.InvariantCulture);
                if (id < Rows)
                {
                    // The reader goes on to the next row now; once it waits for room, look at what it has read.
                    await Eventually.UntilAsync(() => consumers.Any(c => c.WaitingForRoom > 0), () => "the WAL reader waits for room");
                }

                var read = Volatile.Read(ref handedOver);
                if (read != id)
                {
                    violations.Enqueue($"{sink}: while row {id} was being delivered, {read} rows had been read into memory");
                }

                using var json = JsonDocument.Parse(message.Payload, ChangeMessageJsonWriter.DocumentOptions);
                var body = json.RootElement.GetProperty("record").GetProperty("body").GetString();
                if (!string.Equals(body, Body(id), StringComparison.Ordinal))
                {
                    violations.Enqueue($"{sink}: row {id} arrived with a body of {body?.Length} chars, not as written");
                }

                delivered.AddOrUpdate((sink, id), 1, (_, n) => n + 1);
            }

            return BatchResult.AllDelivered;
        }

        consumers = [Consumer("to-file"), Consumer("to-null")];
        foreach (var consumer in consumers)
        {
            await consumer.StartAsync(CancellationToken.None);
        }

        var handler = new CountingHandler(new ChangeDispatcher(consumers), () => Interlocked.Increment(ref handedOver));
        using var stop = new CancellationTokenSource();
        var reading = Task.Run(() => harness.Source.RunAsync(handler, harness.Tracker, stop.Token));
        try
        {
            await harness.ExecuteAsync(
                $"INSERT INTO big SELECT g, repeat('{Unit.Replace("\n", "", StringComparison.Ordinal)}' || chr(10) || g || ' ', {Repeats}) FROM generate_series(1, {Rows}) g;");
            await Eventually.UntilAsync(() => delivered.Count == 2 * Rows || reading.IsCompleted, () => $"{delivered.Count} of {2 * Rows} deliveries", TimeSpan.FromMinutes(3));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(30)));
            foreach (var consumer in consumers)
            {
                await consumer.DisposeAsync();
            }
        }

        Assert.Empty(violations);
        Assert.Equal(2 * Rows, delivered.Count);
        Assert.All(delivered.Values, n => Assert.Equal(1, n));
        var rowBytes = (long)System.Text.Encoding.UTF8.GetByteCount(Body(1));
        foreach (var consumer in consumers)
        {
            // One row at a time, accounted at its real (UTF-8) size.
            Assert.InRange(consumer.PeakBufferedBytes, rowBytes, rowBytes + 4096);
            Assert.Equal(1, consumer.PeakBufferedMessages);
        }

        SinkConsumer Consumer(string name)
        {
            var pipeline = new FakeSinkPipeline(TimeProvider.System) { OnDeliver = (batch, ct) => Deliver(name, batch, ct) };
            var settings = ConsumerHarness.Settings_(partitions: 2) with { Consumer = new ConsumerInfo(name, name), MaxBufferedBytes = Budget };
            var processors = new MessageProcessorFactory(new MessageProcessorOptions
            {
                Routing = new KafkaLikeRoutedConsumer(),
                Consumer = settings.Consumer,
                SinkOptions = new KafkaLikeOptions { Topic = "big" },
                Limits = Routing.Support.Some.Limits,
            });
            return new SinkConsumer(settings, pipeline, processors, new ListLogger(), TimeProvider.System, metrics);
        }
    }

    private static string Body(int id) => string.Concat(Enumerable.Repeat(Unit + id + " ", Repeats));

    /// <summary>Counts the changes handed over (each one read into memory) before passing them on.</summary>
    private sealed class CountingHandler(IChangeHandler inner, Action onChange) : IChangeHandler
    {
        public void BeginTransaction(TransactionInfo transaction) => inner.BeginTransaction(transaction);

        public ValueTask HandleAsync(ChangeMessage message, CancellationToken cancellationToken)
        {
            onChange();
            return inner.HandleAsync(message, cancellationToken);
        }

        public ValueTask WaitForRoomAsync(RelationInfo relation, ChangeAction action, int bytes, CancellationToken cancellationToken) =>
            inner.WaitForRoomAsync(relation, action, bytes, cancellationToken);

        public void CommitTransaction(TransactionInfo transaction, ulong endLsn) => inner.CommitTransaction(transaction, endLsn);
    }
}
