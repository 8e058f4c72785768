using Sequin.Sinks.Testing;
using Sequin.TestServers;

namespace Sequin.Sinks.Webhook.Tests;

/// <summary>The SDK's promises (<see cref="SinkConformanceTests{TOptions}"/>) against a real HTTP receiver (Kestrel on loopback) that answers 422 on <c>/refuse</c>.</summary>
public sealed class WebhookConformanceTests(WebhookConformanceTests.Receiver receiver)
    : SinkConformanceTests<WebhookSinkOptions>(new WebhookSink()), IClassFixture<WebhookConformanceTests.Receiver>
{
    protected override IReadOnlyList<(string Key, string? Value)> ReachableDestination =>
        [("url", receiver.Server.Url.ToString()), ("encrypted_headers:Authorization", "Bearer conformance-token")];

    // Port 9 (discard) is closed on loopback here.
    protected override IReadOnlyList<(string Key, string? Value)> UnreachableDestination => [("url", "http://127.0.0.1:9")];

    protected override RoutedMessage? PermanentlyRefusedMessage(WebhookSinkOptions options) =>
        Kit.Routed(TestTable.Order(13), options, values: (WebhookSink.EndpointPathKey, "/refuse"));

    /// <summary>The receiver, shared by the class's tests.</summary>
    public sealed class Receiver : IAsyncLifetime
    {
        private WebhookReceiver? _server;

        public WebhookReceiver Server => _server ?? throw new InvalidOperationException("Not started.");

        public async Task InitializeAsync()
        {
            _server = await WebhookReceiver.StartAsync();
            _server.Respond = (request, _, _) => Task.FromResult(request.Path.EndsWith("/refuse", StringComparison.Ordinal) ? 422 : 200);
        }

        public async Task DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }
}
