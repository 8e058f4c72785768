using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Sequin.Sinks.Testing;

namespace Sequin.Sinks.Nats.Tests;

/// <summary>
/// The SDK's promises (<see cref="SinkConformanceTests{TOptions}"/>) against a real nats-server; a JetStream stream that
/// takes messages of at most 256 bytes on <c>refuse.&gt;</c> refuses a whole change message for good.
/// </summary>
public sealed class NatsConformanceTests(NatsConformanceTests.Server nats)
    : SinkConformanceTests<NatsSinkOptions>(new NatsSink()), IClassFixture<NatsConformanceTests.Server>
{
    protected override IReadOnlyList<(string Key, string? Value)> ReachableDestination =>
    [
        ("host", "127.0.0.1"), ("port", nats.Fixture.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("username", NatsServerFixture.User), ("password", NatsServerFixture.Password), ("timeout_ms", "5000"),
    ];

    // Port 9 (discard) is closed on loopback here.
    protected override IReadOnlyList<(string Key, string? Value)> UnreachableDestination =>
        [("host", "127.0.0.1"), ("port", "9"), ("username", NatsServerFixture.User), ("password", NatsServerFixture.Password), ("timeout_ms", "2000")];

    protected override RoutedMessage? PermanentlyRefusedMessage(NatsSinkOptions options) =>
        Kit.Routed(TestTable.Order(13, new string('x', 400)), options, values: (NatsSink.SubjectKey, "refuse.orders"));

    /// <summary>The server and the refusing stream, shared by the class's tests.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public NatsServerFixture Fixture { get; } = new();

        public async Task InitializeAsync()
        {
            await Fixture.InitializeAsync();
            await new NatsJSContext(Fixture.Client).CreateStreamAsync(new StreamConfig("REFUSE", ["refuse.>"]) { MaxMsgSize = 256 });
        }

        public Task DisposeAsync() => Fixture.DisposeAsync();
    }
}
