using Microsoft.Extensions.Configuration;

namespace Sequin.Sinks.Testing;

/// <summary>What the test kit offers independently of a sink: sections, batches and the path of a sink's section.</summary>
public static class SinkTestKit
{
    /// <summary>The path Core gives the first sink's section in errors: <c>sinks[0].destination</c>.</summary>
    public const string Path = "sinks[0].destination";

    /// <summary>A <c>destination:</c> section from key/value pairs; nested keys (a map's entries) are joined by <c>:</c>, e.g. <c>("headers:X-Team", "core")</c>.</summary>
    public static IConfiguration Config(params (string Key, string? Value)[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
    }

    /// <summary>A batch of <paramref name="messages"/>, keyed by the first message's route as Core keys batches.</summary>
    public static SinkBatch Batch(params RoutedMessage[] messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return new SinkBatch(messages.Length == 0 ? string.Empty : messages[0].Route.ToString(), messages);
    }
}
