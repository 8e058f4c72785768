using Microsoft.Extensions.Configuration;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Testing;

namespace SinkPrefix.Webhook.Tests;

/// <summary>The sink's test data, on Sequin's sink test kit (Sequin.Sinks.Testing): changes and messages as Core makes them.</summary>
internal static class Some
{
    /// <summary>The path Core gives a sink's section in errors, as in a real config.</summary>
    public const string Path = SinkTestKit.Path;

    /// <summary>The sink under test, its schema, routing, deliveries and messages.</summary>
    public static readonly SinkTestKit<WebhookSinkOptions> Kit = new(new WebhookSink());

    /// <summary>A <c>destination:</c> section from key/value pairs (nested keys joined by <c>:</c>).</summary>
    public static IConfiguration Config(params (string Key, string? Value)[] values) => SinkTestKit.Config(values);

    /// <summary>An insert into <c>public.orders (id, name)</c>.</summary>
    public static ChangeMessage Change(int id, string name = "widget") => TestTable.Order(id, name, commitIdx: id);

//#if (OneKey)
    /// <summary>A change routed as Core routes it (to <paramref name="destination"/>), with its JSON payload.</summary>
    public static RoutedMessage Routed(int id, string? destination = "orders-hook") =>
        Kit.Routed(Change(id), values: (WebhookSink.DestinationKey, destination));
//#else
    /// <summary>A change routed as Core routes it, with its JSON payload.</summary>
    public static RoutedMessage Routed(int id) => Kit.Routed(Change(id));
//#endif

    /// <summary>A batch of changes with ids <paramref name="ids"/>.</summary>
    public static SinkBatch Batch(params int[] ids) => new("orders-hook", [.. ids.Select(id => Routed(id))]);

    /// <summary>A sink context with no services (the sink makes its own HTTP client).</summary>
    public static SinkContext Context(RoutingMode mode = RoutingMode.Static) => Kit.Context(mode);
}
