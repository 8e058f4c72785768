using Sequin.Functions;
using Sequin.Messages;
using Sequin.Routing;
using Sequin.Sinks;

namespace Sequin.Core.Tests.Routing.Support;

/// <summary>Test data: messages of a <c>public.characters</c> table, functions, processors.</summary>
internal static class Some
{
    /// <summary>
    /// Limits for tests that are not about time: the machine running the tests is shared and busy, so the default
    /// 100 ms can pass while a thread waits for a core.
    /// </summary>
    public static readonly FunctionLimits Limits = new() { Timeout = TimeSpan.FromSeconds(1) };

    public static readonly ConsumerInfo Consumer = new("sink-1", "characters-to-kafka", "{\"team\":\"core\"}");

    public static readonly RelationInfo Characters = new(
        16384,
        "public",
        "characters",
        [
            new RelationColumn("id", PgTypeOids.Int8, -1, IsKey: true),
            new RelationColumn("name", PgTypeOids.Text, -1, IsKey: false),
            new RelationColumn("house", PgTypeOids.Text, -1, IsKey: false),
            new RelationColumn("rank", PgTypeOids.Numeric, -1, IsKey: false),
            new RelationColumn("is_active", PgTypeOids.Bool, -1, IsKey: false),
            new RelationColumn("tags", 1009, -1, IsKey: false),
            new RelationColumn("metadata", PgTypeOids.Jsonb, -1, IsKey: false),
        ]);

    public static ChangeMessage Message(ChangeAction action = ChangeAction.Insert, string id = "42", string house = "Atreides", string? oldHouse = null)
    {
        var record = new RowImage(Characters,
        [
            ColumnValue.FromText(id),
            ColumnValue.FromText("Paul"),
            ColumnValue.FromText(house),
            ColumnValue.FromText("9.5"),
            ColumnValue.FromText("t"),
            ColumnValue.FromText("{heir,\"kwisatz haderach\"}"),
            ColumnValue.FromText("{\"eyes\": \"blue\", \"age\": 15, \"allies\": [\"Stilgar\"]}"),
        ]);
        RowImage? old = null;
        if (oldHouse is not null)
        {
            var values = record.Values.ToArray();
            values[2] = ColumnValue.FromText(oldHouse);
            old = new RowImage(Characters, values);
        }

        var transaction = new TransactionInfo(23728496, new DateTimeOffset(2025, 3, 1, 10, 0, 0, 130, TimeSpan.Zero), 77);
        var source = new SourceDatabaseInfo("db-1", "dune", "dune_db", "db.internal");
        return new ChangeMessage(action, record, old, transaction, 3, source, "{\"actor\":\"admin-ui\"}");
    }

    public static FunctionDefinition Route(string body, string name = "my-route") =>
        new(name, FunctionKind.Routing, "function route(action, record, changes, metadata) {\n" + body + "\n}") { SinkType = "kafka" };

    public static FunctionDefinition Filter(string body, string name = "my-filter") =>
        new(name, FunctionKind.Filter, "function filter(action, record, changes, metadata) {\n" + body + "\n}");

    public static FunctionDefinition Transform(string body, string name = "my-transform") =>
        new(name, FunctionKind.Transform, "function transform(action, record, changes, metadata) {\n" + body + "\n}");

    public static MessageProcessorOptions StaticOptions(string? topic = "orders", KafkaLikeRoutedConsumer? routing = null) => new()
    {
        Routing = routing ?? new KafkaLikeRoutedConsumer(),
        Consumer = Consumer,
        Limits = Limits,
        Mode = RoutingMode.Static,
        SinkOptions = new KafkaLikeOptions { Topic = topic },
    };

    public static MessageProcessorOptions DynamicOptions(FunctionDefinition routingFunction, KafkaLikeRoutedConsumer? routing = null) => new()
    {
        Routing = routing ?? new KafkaLikeRoutedConsumer(),
        Consumer = Consumer,
        Limits = Limits,
        Mode = RoutingMode.Dynamic,
        RoutingFunction = routingFunction,
    };

    public static IMessageProcessor Processor(MessageProcessorOptions options) => new MessageProcessorFactory(options).Create();

    public static RoutedMessage Routed(ProcessResult result)
    {
        Assert.True(result.Kind == ProcessResultKind.Routed, $"Expected Routed but got {result.Kind}: {result.Error}");
        return result.Message!;
    }

    public static string Failed(ProcessResult result)
    {
        Assert.Equal(ProcessResultKind.Failed, result.Kind);
        Assert.NotNull(result.Error);
        return result.Error!;
    }
}
