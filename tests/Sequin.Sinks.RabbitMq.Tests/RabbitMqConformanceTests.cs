using System.Globalization;
using Sequin.Sinks.Testing;

namespace Sequin.Sinks.RabbitMq.Tests;

/// <summary>The SDK's promises (<see cref="SinkConformanceTests{TOptions}"/>) against a real RabbitMQ broker; an exchange that does not exist refuses a message for good.</summary>
public sealed class RabbitMqConformanceTests(RabbitMqServerFixture rabbit)
    : SinkConformanceTests<RabbitMqSinkOptions>(new RabbitMqSink()), IClassFixture<RabbitMqServerFixture>
{
    protected override IReadOnlyList<(string Key, string? Value)> ReachableDestination =>
    [
        ("host", "127.0.0.1"), ("port", rabbit.Server.Port.ToString(CultureInfo.InvariantCulture)),
        ("username", RabbitMqServerFixture.User), ("password", RabbitMqServerFixture.Password),
        ("exchange", "amq.topic"), ("mandatory", "false"), ("timeout_ms", "10000"),
    ];

    // Port 9 (discard) is closed on loopback here.
    protected override IReadOnlyList<(string Key, string? Value)> UnreachableDestination =>
    [
        ("host", "127.0.0.1"), ("port", "9"), ("username", RabbitMqServerFixture.User), ("password", RabbitMqServerFixture.Password),
        ("exchange", "amq.topic"), ("timeout_ms", "2000"),
    ];

    protected override RoutedMessage? PermanentlyRefusedMessage(RabbitMqSinkOptions options) =>
        Kit.Routed(TestTable.Order(13), options, values: (RabbitMqSink.ExchangeKey, "conformance-no-such-exchange"));
}
