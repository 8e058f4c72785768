using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Sequin.Diagnostics;
using Sequin.Pipeline;

namespace Sequin.Core.Tests.Diagnostics;

/// <summary>Issue 17: the state the health checks and the replication gauges read.</summary>
public sealed class HealthStateTests
{
    [Fact]
    public void ASinkFailsFromItsFirstFailedAttemptUntilItDeliversAgain()
    {
        using var metrics = new SequinMetrics();
        var counters = new SinkConsumerCounters(metrics, "failing-sink");
        Assert.Null(counters.FailingFor);

        counters.OnFailedAttempt(permanent: false);
        var first = counters.FailingFor;
        Assert.NotNull(first);
        counters.OnFailedAttempt(permanent: false);
        Assert.True(counters.FailingFor >= first, "a later failure keeps the start of the failing period");

        counters.OnBatchCompleted(count: 2, failed: 2);
        Assert.NotNull(counters.FailingFor);
        counters.OnBatchCompleted(count: 2, failed: 1);
        Assert.Null(counters.FailingFor);
    }

    [Fact]
    public void ReplicationStatusFeedsTheDatabaseGaugesAndTheChangeCounter()
    {
        var longs = new ConcurrentQueue<(string Instrument, long Value)>();
        var doubles = new ConcurrentQueue<(string Instrument, double Value)>();
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
            if (IsOurs(tags))
            {
                longs.Enqueue((instrument.Name, value));
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (IsOurs(tags))
            {
                doubles.Enqueue((instrument.Name, value));
            }
        });
        listener.Start();

        using var metrics = new SequinMetrics();
        var status = new ReplicationStatus("health-db", metrics);
        metrics.Register(status);
        Assert.False(status.Connected);
        Assert.Null(status.SinceLastMessage);

        status.OnConnected();
        status.OnChangeRead();
        status.OnChangeRead();
        status.OnLag(12345, TimeSpan.FromSeconds(2.5));
        listener.RecordObservableInstruments();

        Assert.True(status.Connected);
        Assert.NotNull(status.SinceLastMessage);
        Assert.Equal(2, longs.Where(m => m.Instrument == "sequin.replication.changes.read").Sum(m => m.Value));
        Assert.Contains(("sequin.replication.lag", 12345L), longs);
        Assert.Contains(("sequin.replication.connected", 1L), longs);
        Assert.Contains(("sequin.replication.lag.time", 2.5), doubles);

        status.OnDisconnected();
        metrics.Unregister(status);
        longs.Clear();
        listener.RecordObservableInstruments();
        Assert.False(status.Connected);
        Assert.DoesNotContain(longs, m => m.Instrument == "sequin.replication.lag");
    }

    private static bool IsOurs(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "sequin.database.name" && tag.Value as string == "health-db")
            {
                return true;
            }
        }

        return false;
    }
}
