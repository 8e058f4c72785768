using Sequin.Sinks;
using Sequin.Sinks.Testing;

namespace SinkPrefix.Webhook.Tests;

/// <summary>
/// The promises every Sequin sink keeps (Sequin.Sinks.Testing's <see cref="SinkConformanceTests{TOptions}"/>: options
/// described, secrets masked, errors with key paths, the static route, connection tests that return, one outcome per
/// message, permanent errors not retried, safe disposal, the published plugin loadable), against <see cref="TestReceiver"/>.
/// </summary>
public sealed class WebhookConformanceTests(TestReceiver receiver)
    : SinkConformanceTests<WebhookSinkOptions>(new WebhookSink()), IClassFixture<TestReceiver>
{
    protected override IReadOnlyList<(string Key, string? Value)> ReachableDestination =>
//#if (OneKey)
        [("url", receiver.Url.ToString()), ("api_key", "conformance-key"), ("destination", "orders-hook")];
//#else
        [("url", receiver.Url.ToString()), ("api_key", "conformance-key")];
//#endif

    // Port 9 (discard) is closed on loopback.
    protected override IReadOnlyList<(string Key, string? Value)> UnreachableDestination =>
//#if (OneKey)
        [("url", "http://127.0.0.1:9/"), ("destination", "orders-hook"), ("timeout_seconds", "5")];
//#else
        [("url", "http://127.0.0.1:9/"), ("timeout_seconds", "5")];
//#endif

    protected override RoutedMessage? PermanentlyRefusedMessage(WebhookSinkOptions options) =>
        Kit.Routed(TestTable.Order(13, TestReceiver.RefusedText), options);
}
