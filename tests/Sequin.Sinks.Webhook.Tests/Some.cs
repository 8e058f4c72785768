using Microsoft.Extensions.Configuration;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Testing;

namespace Sequin.Sinks.Webhook.Tests;

/// <summary>The webhook sink's test data, on the SDK's test kit (<see cref="SinkTestKit{TOptions}"/>).</summary>
internal static class Some
{
    /// <summary>The path Core gives a sink's section in errors, as in a real config.</summary>
    public const string Path = SinkTestKit.Path;

    public static readonly SinkTestKit<WebhookSinkOptions> Kit = new(new WebhookSink());

    public static ConsumerInfo Consumer => Kit.Consumer;

    /// <summary>A <c>destination:</c> section from key/value pairs (nested keys joined by <c>:</c>).</summary>
    public static IConfiguration Config(params (string Key, string? Value)[] values) => SinkTestKit.Config(values);

    /// <summary>An insert into <c>public.orders</c>.</summary>
    public static ChangeMessage Change(int id, string name = "widget") => TestTable.Order(id, name, commitIdx: id);

    /// <summary>A change routed as Core routes it, with its JSON payload.</summary>
    public static RoutedMessage Routed(int id, string method = "POST", string endpointPath = "", string? headers = null) =>
        Kit.Routed(Change(id), values: [(WebhookSink.MethodKey, method), (WebhookSink.EndpointPathKey, endpointPath), (WebhookSink.HeadersKey, headers)]);

    /// <summary>A batch of changes with ids <paramref name="ids"/>.</summary>
    public static SinkBatch Batch(params int[] ids) => new("POST", [.. ids.Select(id => Routed(id))]);

    /// <summary>Parses a destination (key/value pairs) with the sink's schema; it must be valid.</summary>
    public static WebhookSinkOptions Options(params (string Key, string? Value)[] values) => Kit.Options(values);

    /// <summary>The sink's errors for a destination.</summary>
    public static IReadOnlyList<ConfigError> Errors(params (string Key, string? Value)[] values) => Kit.Errors(values);

    /// <summary>Creates the delivery of a destination, as Core does.</summary>
    public static ISinkDelivery Delivery(WebhookSinkOptions options) => Kit.Delivery(options);

    /// <summary>A sink context with no services (the sink makes its own HTTP client).</summary>
    public static SinkContext Context(RoutingMode mode = RoutingMode.Static) => Kit.Context(mode);
}
