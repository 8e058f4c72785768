using Sequin.Configuration;
using Sequin.Pipeline;

namespace Sequin.Hosting.AspNetCore.Api;

/// <summary>Builds the API's views of databases and sinks from the configuration and the running consumers.</summary>
internal static class SinkViews
{
    public static IReadOnlyList<SinkView> Sinks(SequinServices sequin)
    {
        var config = sequin.Config;
        if (config is null)
        {
            return [];
        }

        var consumers = Consumers(sequin);
        return [.. config.Sinks.Select(s => View(s, consumers.GetValueOrDefault(s.Name)))];
    }

    /// <summary>The running consumer of each sink, by name.</summary>
    public static Dictionary<string, SinkConsumer> Consumers(SequinServices sequin) =>
        (sequin.Runtime?.Consumers ?? []).ToDictionary(c => c.Name, StringComparer.Ordinal);

    public static SinkView View(SinkConfig sink, SinkConsumer? consumer) => new(
        sink.Name,
        sink.Type,
        sink.Settings.Database,
        Status(sink, consumer),
        consumer is null ? null : new SinkFigures(
            consumer.DeliveredMessages,
            consumer.DeliveredBatches,
            consumer.FailedAttempts,
            consumer.DiscardedMessages,
            consumer.FilteredMessages,
            consumer.ParkedNow,
            consumer.BufferedMessages,
            consumer.BufferedBytes),
        sink.Status == SinkStatus.Active && consumer is { IsPaused: false } ? consumer.DegradedReason : null);

    private static string Status(SinkConfig sink, SinkConsumer? consumer)
    {
        if (sink.Status != SinkStatus.Active)
        {
            return sink.Status.ToString().ToLowerInvariant();
        }

        return consumer is null ? "starting" : consumer.IsPaused ? "paused" : consumer.DegradedReason is null ? "running" : "degraded";
    }
}
