using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Sequin.Core.Tests.Support;
using Sequin.Diagnostics;
using Sequin.Routing;

namespace Sequin.Core.Tests.Diagnostics;

public sealed class SequinMetricsTests
{
    [Fact]
    public async Task CountersAndGaugesAreReportedPerSinkOnTheSequinCoreMeter()
    {
        var measurements = new ConcurrentQueue<(string Instrument, long Value, string? Sink)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SequinMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? sink = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "sequin.sink.name")
                {
                    sink = tag.Value as string;
                }
            }

            // Other tests' consumers report on meters of the same name; keep this test's sink only.
            if (sink == "metrics-sink")
            {
                measurements.Enqueue((instrument.Name, value, sink));
            }
        });
        listener.Start();

        var processors = new FakeProcessorFactory { Decide = (m, _) => m.Record[0].Text == "2" ? ProcessResult.Filtered : null };
        await using var h = new ConsumerHarness(
            settings: ConsumerHarness.Settings_() with { Consumer = new Sequin.Messages.ConsumerInfo("metrics-sink", "metrics-sink") },
            processors: processors);
        var txn = Some.Transaction();
        await h.FeedAsync([Some.Change(1, txn, 0), Some.Change(2, txn, 1), Some.Change(3, txn, 2)]);
        await Wait.UntilAsync(() => txn.IsComplete, "the transaction completes");
        await Wait.UntilAsync(() => measurements.Where(m => m.Instrument == "sequin.sink.messages.delivered").Sum(m => m.Value) == 2, "two deliveries are counted");
        listener.RecordObservableInstruments();

        Assert.Equal(1, measurements.Where(m => m.Instrument == "sequin.sink.messages.filtered").Sum(m => m.Value));
        Assert.Contains(measurements, m => m.Instrument == "sequin.sink.buffered.messages" && m.Value == 0);
        Assert.Contains(measurements, m => m.Instrument == "sequin.sink.batches");
    }

    [Fact]
    public void TheMeterIsCreatedThroughTheMeterFactoryWhenGiven()
    {
        var factory = new RecordingMeterFactory();

        using var metrics = new SequinMetrics(factory);

        Assert.Equal(SequinMetrics.MeterName, Assert.Single(factory.Created).Name);
    }

    private sealed class RecordingMeterFactory : IMeterFactory
    {
        public List<Meter> Created { get; } = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            Created.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var m in Created)
            {
                m.Dispose();
            }
        }
    }
}
