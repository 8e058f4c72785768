using Microsoft.Extensions.Configuration;
using Sequin.Configuration;
using Sequin.Host.Tests.Support;
using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Host.Tests.Sinks;

/// <summary>
/// Issue 12: a sink written on the SDK (<see cref="FakeSinkPlugin"/>: an options class with <see cref="SinkOptionAttribute"/>
/// properties, a delivery, limits) gets its schema, parsing, export, static route and batch-size check from Core.
/// </summary>
public sealed class SinkSdkTests
{
    private readonly ISinkPlugin _sink = new FakeSinkPlugin();

    [Fact]
    public void TheSchemaComesFromTheOptionsPropertiesWithTheirInitialValuesAsDefaults()
    {
        var fields = _sink.Schema.Fields.ToDictionary(f => f.Name);

        Assert.Equal(["hosts", "topic", "password", "retries", "tls"], _sink.Schema.Fields.Select(f => f.Name));
        Assert.True(fields["hosts"].Required);
        Assert.Equal((SinkFieldType.Text, true, 20), (fields["topic"].Type, fields["topic"].Routable, fields["topic"].MaxLength!.Value));
        Assert.True(fields["password"].Secret);
        Assert.Equal((SinkFieldType.WholeNumber, "3", 0L, 10L), (fields["retries"].Type, fields["retries"].DefaultValue, fields["retries"].Minimum!.Value, fields["retries"].Maximum!.Value));
        Assert.Equal((SinkFieldType.Boolean, "false"), (fields["tls"].Type, fields["tls"].DefaultValue));
        Assert.Null(fields["hosts"].DefaultValue);
    }

    [Fact]
    public void ParsingReportsEachBadKeyByItsPathAndRoutableKeysFollowTheRoutingMode()
    {
        var bad = Parse(RoutingMode.Static, ("retries", "11"), ("tls", "maybe"), ("colour", "red"));

        Assert.Equal(
            ["d.colour", "d.hosts", "d.retries", "d.tls", "d.topic"],
            bad.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains("at most 10", bad.Errors.Single(e => e.Path == "d.retries").Message, StringComparison.Ordinal);
        Assert.Contains("when routing is static", bad.Errors.Single(e => e.Path == "d.topic").Message, StringComparison.Ordinal);

        var dynamic = Parse(RoutingMode.Dynamic, ("hosts", "b:9092"), ("topic", "ignored"), ("retries", "7"), ("tls", "true"));
        Assert.Empty(dynamic.Errors);
        var options = (FakeSinkOptions)dynamic.Options;
        Assert.Equal((null, 7L, true), (options.Topic, options.Retries, options.Tls));
    }

    [Fact]
    public void ExportMasksSecretsAndTheStaticRouteIsTheRoutableOption()
    {
        var parsed = Parse(RoutingMode.Static, ("hosts", "b:9092"), ("topic", "orders"), ("password", "hunter2"));
        Assert.Empty(parsed.Errors);

        var exported = _sink.Schema.Export(parsed.Options).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("********", exported["password"]);
        Assert.DoesNotContain("hunter2", string.Concat(exported.Values), StringComparison.Ordinal);
        Assert.Equal("3", exported["retries"]);

        var route = new Route(_sink.Routing.Keys);
        _sink.Routing.ApplyDefaultRoute(Message(), route);
        Assert.Equal("sequin.public.t", route["topic"]);
        _sink.Routing.ApplyStaticRoute(parsed.Options, route);
        Assert.Equal("orders", route["topic"]);
        var key = Assert.Single(_sink.Routing.Keys);
        Assert.Equal(("topic", true, 20), (key.Name, key.Required, key.MaxLength!.Value));
    }

    [Fact]
    public void ABatchSizeAboveTheSinksLimitIsAConfigurationErrorNamingTheKeyAndTheLimit()
    {
        var result = Yaml.Load(Yaml.ValidConfig.Replace("batch_size: 50", "batch_size: 501", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal("sinks[0].batch_size", error.Path);
        Assert.Contains($"at most {FakeSinkPlugin.MaxBatch} for a fake sink", error.Message, StringComparison.Ordinal);
        Assert.Empty(Yaml.Load(Yaml.ValidConfig.Replace("batch_size: 50", "batch_size: 500", StringComparison.Ordinal)).Errors);
    }

    [Fact]
    public void ASinkWithoutRouteKeysGetsAStarterRoutingFunctionSayingSo()
    {
        var stdoutLike = new NoKeysSink();

        Assert.Empty(((ISinkPlugin)stdoutLike).Routing.Keys);
        Assert.Contains("has no routable keys", stdoutLike.DefaultRoutingFunction, StringComparison.Ordinal);
        Assert.Contains("return {};", stdoutLike.DefaultRoutingFunction, StringComparison.Ordinal);
        Assert.Contains("topic (required): Topic.", new FakeSinkPluginWithoutItsOwnFunction().DefaultRoutingFunction, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTypeNameIsTheClassNameWithoutItsSinkSuffixInSnakeCaseUnlessOverridden()
    {
        Assert.Equal("my_queue", new MyQueueSink().TypeName);
        Assert.Equal("nokeys", new NoKeysSink().TypeName);
    }

    private SinkOptionsParseResult Parse(RoutingMode mode, params (string Key, string Value)[] values) =>
        _sink.Schema.Parse(
            new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build(),
            mode,
            "d");

    private static ChangeMessage Message()
    {
        var relation = new RelationInfo(1, "public", "t", [new RelationColumn("id", PgTypeOids.Int4, -1, true)]);
        return new ChangeMessage(ChangeAction.Insert, new RowImage(relation, [ColumnValue.FromText("1")]), null, new TransactionInfo(100, DateTimeOffset.UnixEpoch, 1), 0, new SourceDatabaseInfo("db", "db", "db", "localhost"));
    }

    private sealed class NoKeysOptions
    {
        [SinkOption("Where to write.")]
        public string Path { get; set; } = "-";
    }

    private sealed class NoKeysSink : Sink<NoKeysOptions>
    {
        public override string TypeName => "nokeys";

        public override string Description => "No keys.";

        public override ISinkDelivery CreateDelivery(NoKeysOptions options, SinkContext context) => throw new NotSupportedException();
    }

    private sealed class FakeSinkPluginWithoutItsOwnFunction : Sink<FakeSinkOptions>
    {
        public override string TypeName => "fake2";

        public override string Description => "Fake.";

        public override ISinkDelivery CreateDelivery(FakeSinkOptions options, SinkContext context) => throw new NotSupportedException();
    }

    private sealed class MyQueueSink : Sink<NoKeysOptions>
    {
        public override string Description => "My queue.";

        public override ISinkDelivery CreateDelivery(NoKeysOptions options, SinkContext context) => throw new NotSupportedException();
    }
}
