using Microsoft.Extensions.Configuration;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Testing;

namespace Sequin.Sinks.Nats.Tests;

/// <summary>The NATS sink's test data, on the SDK's test kit (<see cref="SinkTestKit{TOptions}"/>).</summary>
internal static class Some
{
    public const string Path = SinkTestKit.Path;

    public static readonly SinkTestKit<NatsSinkOptions> Kit = new(new NatsSink());

    public static ConsumerInfo Consumer => Kit.Consumer;

    public static IConfiguration Config(params (string Key, string? Value)[] values) => SinkTestKit.Config(values);

    /// <summary>A change to <c>public.orders</c> row <paramref name="id"/>, committed at index <paramref name="commitIdx"/>.</summary>
    public static ChangeMessage Change(int id, ChangeAction action = ChangeAction.Insert, int commitIdx = 0) =>
        TestTable.Order(id, action: action, commitIdx: commitIdx);

    /// <summary>A change routed to <paramref name="subject"/>, with its JSON payload.</summary>
    public static RoutedMessage Routed(int id, string subject, int? commitIdx = null) =>
        Kit.Routed(Change(id, commitIdx: commitIdx ?? id), values: (NatsSink.SubjectKey, subject));

    public static SinkContext Context(RoutingMode mode = RoutingMode.Dynamic) => Kit.Context(mode);
}
