using System.Diagnostics.Metrics;
using Sequin.Diagnostics;
using Sequin.Hosting.AspNetCore.Api;
using Sequin.Hosting.AspNetCore.Health;

namespace Sequin.Hosting.AspNetCore.Metrics;

/// <summary>
/// The gauge <c>sequin.sink.health</c> (Prometheus <c>sequin_sink_health</c>) on a meter named <c>Sequin.Core</c>, so
/// that the scrape endpoint and the OTLP export read it with the core's instruments: one series per sink and state
/// (tags <c>sequin.sink.name</c> and <c>sequin.sink.health.state</c>), 1 for the sink's current state
/// (<see cref="SinkHealthRules"/>), 0 for the others.
/// </summary>
internal sealed class SinkHealthMetric : IDisposable
{
    private readonly Meter _meter;

    /// <summary>Creates the gauge over the sinks of <paramref name="sequin"/>.</summary>
    public SinkHealthMetric(SequinServices sequin, IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(new MeterOptions(SequinMetrics.MeterName)) ?? new Meter(SequinMetrics.MeterName);
        _meter.CreateObservableGauge("sequin.sink.health", () => Observe(sequin), "1", "1 for the sink's health state (healthy, warning, error, paused), 0 for the other states.");
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private static List<Measurement<long>> Observe(SequinServices sequin)
    {
        var measurements = new List<Measurement<long>>();
        if (sequin.Config is not { } config)
        {
            return measurements;
        }

        var consumers = SinkViews.Consumers(sequin);
        foreach (var sink in config.Sinks)
        {
            var state = SinkViews.Health(sequin, sink, consumers.GetValueOrDefault(sink.Name)).State;
            foreach (var each in SinkHealthRules.States)
            {
                measurements.Add(new Measurement<long>(
                    each == state ? 1 : 0,
                    new KeyValuePair<string, object?>("sequin.sink.name", sink.Name),
                    new KeyValuePair<string, object?>("sequin.sink.health.state", each)));
            }
        }

        return measurements;
    }
}
