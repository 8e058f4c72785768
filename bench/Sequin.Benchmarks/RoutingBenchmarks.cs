using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Sequin.Functions;
using Sequin.Functions.Engines;
using Sequin.Messages;
using Sequin.Routing;
using Sequin.Sinks;

namespace Sequin.Benchmarks;

/// <summary>
/// Cost per message of routing: static routing, a typical four-line dynamic routing function on a six-column record,
/// and the whole processing step (filter ⇒ route ⇒ payload) with the default JSON payload.
/// </summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private const string RouteCode = """
        function route(action, record, changes, metadata) {
          var topic = 'sequin.' + metadata.table_schema + '.' + metadata.table_name;
          if (record.status === 'archived') { topic = topic + '.archive'; }
          return { topic: topic, message_key: String(record.id) };
        }
        """;

    private static readonly ConsumerInfo Consumer = new("bench", "orders-to-kafka");

    // The limits are not what is measured: on a busy shared machine a thread can wait longer than the default 100 ms
    // for a core, and a time-out would abort the benchmark.
    private static readonly FunctionLimits Limits = new() { Timeout = TimeSpan.FromSeconds(1) };

    private readonly BenchKafkaRoutedConsumer _routing = new();
    private ChangeMessage _message = null!;
    private Router _router = null!;
    private IFunctionInstance _routeInstance = null!;
    private FunctionInput _input;
    private List<RouteEntry> _entries = null!;
    private IMessageProcessor _staticProcessor = null!;
    private IMessageProcessor _dynamicProcessor = null!;
    private IMessageProcessor _transformProcessor = null!;

    /// <summary>The benchmark message's JSON (after <see cref="Setup"/>).</summary>
    internal ReadOnlyMemory<byte> MessageJson => _input.MessageJson;

    /// <summary>Where the four values lie in <see cref="MessageJson"/>.</summary>
    internal MessageJsonLayout? MessageLayout => _input.Layout;

    [GlobalSetup]
    public void Setup()
    {
        var relation = new RelationInfo(16384, "public", "orders",
        [
            new RelationColumn("id", PgTypeOids.Int8, -1, IsKey: true),
            new RelationColumn("customer", PgTypeOids.Text, -1, IsKey: false),
            new RelationColumn("email", PgTypeOids.Varchar, 259, IsKey: false),
            new RelationColumn("status", PgTypeOids.Text, -1, IsKey: false),
            new RelationColumn("amount", PgTypeOids.Numeric, -1, IsKey: false),
            new RelationColumn("updated_at", PgTypeOids.Timestamptz, -1, IsKey: false),
        ]);
        ColumnValue[] values =
        [
            ColumnValue.FromText("123456"), ColumnValue.FromText("Ada Lovelace"), ColumnValue.FromText("ada@example.com"),
            ColumnValue.FromText("shipped"), ColumnValue.FromText("42.50"), ColumnValue.FromText("2025-03-01 10:00:00.123456+00"),
        ];
        var old = (ColumnValue[])values.Clone();
        old[3] = ColumnValue.FromText("paid");
        _message = new ChangeMessage(
            ChangeAction.Update,
            new RowImage(relation, values),
            new RowImage(relation, old),
            new TransactionInfo(23728496, DateTimeOffset.UnixEpoch.AddYears(55), 7),
            3,
            new SourceDatabaseInfo("db", "shop", "shop", "localhost"));

        _router = new Router(_routing, new BenchKafkaOptions(), "orders-to-kafka");
        var definition = new FunctionDefinition("route-orders", FunctionKind.Routing, RouteCode) { SinkType = "kafka" };
        _routeInstance = JintFunctionEngine.Shared.Compile(definition, Limits).CreateInstance();
        var buffer = new ArrayBufferWriter<byte>();
        MessageJsonLayout layout;
        using (var writer = new Utf8JsonWriter(buffer, ChangeMessageJsonWriter.WriterOptions))
        {
            ChangeMessageJsonWriter.Write(writer, _message, Consumer, TimestampFormat.Iso8601, out layout);
        }

        _input = new FunctionInput(buffer.WrittenMemory.ToArray(), layout);
        _entries = [];

        _staticProcessor = new MessageProcessorFactory(new MessageProcessorOptions
        {
            Routing = _routing, Consumer = Consumer, Limits = Limits, SinkOptions = new BenchKafkaOptions(),
        }).Create();
        _dynamicProcessor = new MessageProcessorFactory(new MessageProcessorOptions
        {
            Routing = _routing, Consumer = Consumer, Limits = Limits, Mode = RoutingMode.Dynamic, RoutingFunction = definition,
        }).Create();
        _transformProcessor = new MessageProcessorFactory(new MessageProcessorOptions
        {
            Routing = _routing, Consumer = Consumer, Limits = Limits, Mode = RoutingMode.Dynamic, RoutingFunction = definition,
            TransformFunction = new FunctionDefinition("doc", FunctionKind.Transform,
                "function transform(action, record, changes, metadata) { return { id: String(record.id), status: record.status, amount: record.amount }; }"),
        }).Create();
    }

    /// <summary>Baseline: the default message JSON alone.</summary>
    [Benchmark(Baseline = true)]
    public byte[] DefaultJson() => ChangeMessageJsonWriter.ToUtf8Bytes(_message, Consumer, TimestampFormat.Iso8601);

    /// <summary>Static routing: default route, static overrides, validation.</summary>
    [Benchmark]
    public Route StaticRoute()
    {
        _router.RouteStatic(_message, out var route);
        return route;
    }

    /// <summary>Dynamic routing: arguments from the message JSON, the four-line function, merge and validation.</summary>
    [Benchmark]
    public Route DynamicRoute()
    {
        _entries.Clear();
        _routeInstance.InvokeRoute(_input, _entries);
        _router.RouteDynamic(_message, _entries, "route-orders", out var route);
        return route;
    }

    /// <summary>The whole processing step, static mode, default JSON payload.</summary>
    [Benchmark]
    public RoutedMessage? ProcessStatic() => _staticProcessor.Process(_message, "123456").Message;

    /// <summary>The whole processing step, dynamic mode, default JSON payload.</summary>
    [Benchmark]
    public RoutedMessage? ProcessDynamic() => _dynamicProcessor.Process(_message, "123456").Message;

    /// <summary>The whole processing step, dynamic mode, with a three-field transform as payload.</summary>
    [Benchmark]
    public RoutedMessage? ProcessDynamicWithTransform() => _transformProcessor.Process(_message, "123456").Message;
}
