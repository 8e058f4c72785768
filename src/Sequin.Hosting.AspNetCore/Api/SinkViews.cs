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
        return [.. config.Sinks.Select(s => View(sequin, s, consumers.GetValueOrDefault(s.Name)))];
    }

    /// <summary>The running consumer of each sink, by name.</summary>
    public static Dictionary<string, SinkConsumer> Consumers(SequinServices sequin) =>
        (sequin.Runtime?.Consumers ?? []).ToDictionary(c => c.Name, StringComparer.Ordinal);

    /// <summary>The replication status of <paramref name="database"/> on this host, or null while it does not replicate.</summary>
    public static Diagnostics.ReplicationStatus? Replication(SequinServices sequin, string database) =>
        sequin.Runtime?.Replication.FirstOrDefault(r => string.Equals(r.Database, database, StringComparison.Ordinal));

    /// <summary>The health of <paramref name="sink"/> (<see cref="Health.SinkHealthRules"/>).</summary>
    public static Health.SinkHealth Health(SequinServices sequin, SinkConfig sink, SinkConsumer? consumer) =>
        AspNetCore.Health.SinkHealthRules.Of(sink, consumer, Replication(sequin, sink.Settings.Database), sequin.Config?.Health ?? HealthConfig.Default);

    public static SinkView View(SequinServices sequin, SinkConfig sink, SinkConsumer? consumer) => new(
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
        sink.Status == SinkStatus.Active && consumer is { IsPaused: false } ? consumer.DegradedReason : null,
        Health(sequin, sink, consumer),
        Replication(sequin, sink.Settings.Database) is { } database ? AspNetCore.Health.LagView.Of(database) : null);

    private static string Status(SinkConfig sink, SinkConsumer? consumer)
    {
        if (sink.Status != SinkStatus.Active)
        {
            return sink.Status.ToString().ToLowerInvariant();
        }

        return consumer is null ? "starting" : consumer.IsPaused ? "paused" : consumer.DegradedReason is null ? "running" : "degraded";
    }
}
