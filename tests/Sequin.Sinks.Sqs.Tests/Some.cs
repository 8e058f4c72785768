using Microsoft.Extensions.Configuration;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Testing;

namespace Sequin.Sinks.Sqs.Tests;

/// <summary>The SQS sink's test data, on the SDK's test kit (<see cref="SinkTestKit{TOptions}"/>).</summary>
internal static class Some
{
    /// <summary>The path Core gives a sink's section in errors, as in a real config.</summary>
    public const string Path = SinkTestKit.Path;

    /// <summary>A standard queue URL on AWS (us-east-1).</summary>
    public const string QueueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/orders";

    /// <summary>A FIFO queue URL on AWS (eu-west-1).</summary>
    public const string FifoQueueUrl = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo";

    public static readonly SinkTestKit<SqsSinkOptions> Kit = new(new SqsSink());

    public static ConsumerInfo Consumer => Kit.Consumer;

    /// <summary>A <c>destination:</c> section from key/value pairs (nested keys joined by <c>:</c>).</summary>
    public static IConfiguration Config(params (string Key, string? Value)[] values) => SinkTestKit.Config(values);

    /// <summary>An insert into <c>public.orders</c>.</summary>
    public static ChangeMessage Change(int id, string name = "widget") => TestTable.Order(id, name, commitIdx: id);

    /// <summary>A change routed as Core routes it, with its JSON payload (and <paramref name="groupId"/> instead of the row's key).</summary>
    public static RoutedMessage Routed(int id, string queueUrl = QueueUrl, string? groupId = null, string name = "widget") =>
        WithGroup(Kit.Routed(Change(id, name), values: (SqsSink.QueueUrlKey, queueUrl)), groupId);

    /// <summary>A backfill's <c>read</c> of row <paramref name="id"/>, routed to <paramref name="queueUrl"/>.</summary>
    public static RoutedMessage RoutedRead(int id, string queueUrl) =>
        Kit.Routed(TestTable.Order(id, action: ChangeAction.Read, commitIdx: id), values: (SqsSink.QueueUrlKey, queueUrl));

    /// <summary>A batch of changes with ids <paramref name="ids"/> for <see cref="QueueUrl"/>.</summary>
    public static SinkBatch Batch(params int[] ids) => BatchFor(QueueUrl, ids);

    /// <summary>A batch of changes with ids <paramref name="ids"/> for a queue.</summary>
    public static SinkBatch BatchFor(string queueUrl, params int[] ids) => new(queueUrl, [.. ids.Select(id => Routed(id, queueUrl))]);

    /// <summary>A sink context with no services.</summary>
    public static SinkContext Context(RoutingMode mode = RoutingMode.Static) => Kit.Context(mode);

    private static RoutedMessage WithGroup(RoutedMessage message, string? groupId) =>
        groupId is null ? message : new RoutedMessage(message.Message, message.Route, groupId, message.Payload, message.IsTransformed);
}
