using Sequin.Configuration;
using Sequin.Host.Tests.Support;
using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Host.Tests.Configuration;

public sealed class SequinConfigLoaderTests
{
    [Fact]
    public void ValidConfigBecomesTheTypedModel()
    {
        var result = Yaml.Load(Yaml.ValidConfig);

        Assert.Empty(result.Errors);
        var config = result.Config!;
        var db = Assert.Single(config.Databases);
        Assert.Equal(("shop", "db.internal", 5432, "postgres", "hunter2"), (db.Name, db.Hostname, db.Port, db.Username, db.Password));
        Assert.Equal(new ReplicationSlotConfig("sequin_slot", true), db.Slot);
        Assert.Equal(new PublicationConfig("sequin_pub", false), db.Publication);

        var sink = config.FindSink("orders-static")!;
        Assert.Equal(RoutingMode.Static, sink.RoutingMode);
        Assert.Equal("fake", sink.Type);
        Assert.Equal("orders", ((FakeSinkOptions)sink.Options).Topic);
        Assert.Equal("only-big", sink.FilterFunction!.Name);
        var s = sink.Settings;
        Assert.Equal(["public.orders", "sales.items"], s.IncludeTables);
        Assert.Equal(new HashSet<ChangeAction> { ChangeAction.Insert, ChangeAction.Delete, ChangeAction.Read }, s.Actions);
        Assert.Equal(["customer_id"], s.GroupColumns["public.orders"]);
        Assert.Equal(50, s.BatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(20), s.BatchTimeout);
        Assert.Equal(5, s.MaxRetryCount);
        Assert.Equal(TimestampFormat.UnixMicrosecond, s.TimestampFormat);
        Assert.Equal(256L * 1024 * 1024, s.MaxBufferedBytes);
        Assert.Equal(4, s.Partitions);
        Assert.Equal("""{"team":"core"}""", s.Consumer.AnnotationsJson);
        Assert.Equal("orders-static", s.Consumer.Name);

        var dynamic = config.FindSink("orders-dynamic")!;
        Assert.Equal(RoutingMode.Dynamic, dynamic.RoutingMode);
        Assert.Equal("by-table", dynamic.RoutingFunction!.Name);
        Assert.Equal(SinkStatus.Disabled, dynamic.Status);
        Assert.Null(((FakeSinkOptions)dynamic.Options).Topic);
        Assert.Null(dynamic.Settings.MaxRetryCount);
    }

    [Fact]
    public void AFailoverSlotAndAHostListTargetTheWritablePrimary()
    {
        var yaml = Yaml.ValidConfig
            .Replace("slot: { name: sequin_slot, create_if_not_exists: true }", "slot: { name: sequin_slot, create_if_not_exists: true, failover: true }", StringComparison.Ordinal)
            .Replace("hostname: db.internal", "hostname: \"db-a:5432,db-b:5433\"", StringComparison.Ordinal);

        var result = Yaml.Load(yaml);

        Assert.Empty(result.Errors);
        var db = Assert.Single(result.Config!.Databases);
        Assert.True(db.Slot.Failover);
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(db.BuildConnectionString());
        Assert.Equal("db-a:5432,db-b:5433", connection.Host);
        Assert.Equal("primary", connection.TargetSessionAttributes);

        // One host: no target attribute, and no failover unless asked.
        var single = Assert.Single(Yaml.Load(Yaml.ValidConfig).Config!.Databases);
        Assert.False(single.Slot.Failover);
        Assert.Null(new Npgsql.NpgsqlConnectionStringBuilder(single.BuildConnectionString()).TargetSessionAttributes);
    }

    [Fact]
    public void ThreeMistakesAreAllReportedWithTheirKeyPaths()
    {
        var yaml = Yaml.ValidConfig
            .Replace("slot: { name: sequin_slot, create_if_not_exists: true }", "slot: { create_if_not_exists: true }", StringComparison.Ordinal)
            .Replace("batch_size: 50", "batch_size: 5000", StringComparison.Ordinal)
            .Replace("    topic: orders\n", "\n", StringComparison.Ordinal);

        var result = Yaml.Load(yaml);

        Assert.Null(result.Config);
        Assert.Equal(
            ["databases[0].slot.name", "sinks[0].batch_size", "sinks[0].destination.topic"],
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains("at most 1000", result.Errors.Single(e => e.Path == "sinks[0].batch_size").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownKeysAreRejectedWithTheirPaths()
    {
        var yaml = Yaml.ValidConfig
            .Replace("databases:", "tables: []\ndatabases:", StringComparison.Ordinal)
            .Replace("slot: { name: sequin_slot,", "slot: { nme: x, name: sequin_slot,", StringComparison.Ordinal)
            .Replace("batch_size: 50", "batch_size: 50\n    sorce: { include_tables: [a] }", StringComparison.Ordinal)
            .Replace("hosts: \"b1:9092\"\n      topic: orders", "hosts: \"b1:9092\"\n      topic: orders\n      tpic: x", StringComparison.Ordinal);

        var result = Yaml.Load(yaml);

        Assert.Equal(
            ["databases[0].slot.nme", "sinks[0].destination.tpic", "sinks[0].sorce", "tables"],
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.All(result.Errors, e => Assert.StartsWith("Unknown field", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void RoutingToAMissingFunctionIsRejected()
    {
        var result = Yaml.Load(Yaml.ValidConfig.Replace("routing: by-table", "routing: by-tabel", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal("sinks[1].routing", error.Path);
        Assert.Contains("'by-tabel' is not defined", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RoutingToAFilterFunctionIsRejected()
    {
        var result = Yaml.Load(Yaml.ValidConfig.Replace("routing: by-table", "routing: only-big", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal("sinks[1].routing", error.Path);
        Assert.Contains("is a filter function", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RoutingFunctionForAnotherSinkTypeIsRejected()
    {
        var catalog = new SinkPluginCatalog([new FakeSinkPlugin(), new OtherPlugin()]);
        var yaml = Yaml.ValidConfig.Replace("sink_type: fake", "sink_type: other", StringComparison.Ordinal);

        var result = Yaml.Load(yaml, catalog);

        var error = Assert.Single(result.Errors);
        Assert.Equal("sinks[1].routing", error.Path);
        Assert.Contains("routes for sink type 'other'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RoutingFunctionForAnUnknownSinkTypeIsRejected()
    {
        var result = Yaml.Load(Yaml.ValidConfig.Replace("sink_type: fake", "sink_type: kafka", StringComparison.Ordinal));

        Assert.Contains(result.Errors, e => e.Path == "functions[0].sink_type" && e.Message.Contains("Known types: fake", StringComparison.Ordinal));
    }

    [Fact]
    public void RoutingNoneIsStaticAndStaticModeRequiresTheRoutableField()
    {
        var result = Yaml.Load(Yaml.ValidConfig.Replace("routing: by-table", "routing: none", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal("sinks[1].destination.topic", error.Path);
    }

    [Fact]
    public void FilterReferenceMustBeAFilterFunction()
    {
        var result = Yaml.Load(Yaml.ValidConfig.Replace("filter: only-big", "filter: by-table", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal("sinks[0].filter", error.Path);
    }

    [Fact]
    public void SourceIncludeAndExcludeAreMutuallyExclusiveAndListsMustNotBeEmpty()
    {
        var yaml = Yaml.ValidConfig.Replace(
            "source: { include_tables: [orders, \"sales.items\"] }",
            "source: { include_tables: [orders], exclude_tables: [items], include_schemas: [] }",
            StringComparison.Ordinal);

        var result = Yaml.Load(yaml);

        Assert.Equal(
            ["sinks[0].source.exclude_tables", "sinks[0].source.include_schemas"],
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void MessageGroupingFalseWithGroupColumnsIsRejected()
    {
        var result = Yaml.Load(Yaml.ValidConfig.Replace("batch_size: 50", "batch_size: 50\n    message_grouping: false", StringComparison.Ordinal));

        Assert.Equal("sinks[0].message_grouping", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void MessageGroupingFalseWithATablesEntryWithoutGroupColumnsIsAcceptedAsTheOriginalDoes()
    {
        // Only group columns conflict with message_grouping: false; an entry naming just a table keeps its default grouping.
        var yaml = Yaml.ValidConfig
            .Replace("tables: [{ name: orders, group_column_names: [customer_id] }]", "tables: [{ name: orders }]", StringComparison.Ordinal)
            .Replace("batch_size: 50", "batch_size: 50\n    message_grouping: false", StringComparison.Ordinal);
        Assert.NotEqual(Yaml.ValidConfig, yaml);

        var result = Yaml.Load(yaml);

        Assert.Empty(result.Errors);
        var settings = result.Config!.FindSink("orders-static")!.Settings;
        Assert.False(settings.MessageGrouping);
        Assert.Empty(settings.GroupColumns);
    }

    [Fact]
    public void ATablesEntryWithoutGroupColumnsKeepsThePrimaryKeyGroupingAndATableListedTwiceIsStillAnError()
    {
        var ok = Yaml.Load(Yaml.ValidConfig.Replace(
            "tables: [{ name: orders, group_column_names: [customer_id] }]", "tables: [{ name: orders }, { name: sales.items, group_column_names: [order_id] }]", StringComparison.Ordinal));
        var twice = Yaml.Load(Yaml.ValidConfig.Replace(
            "tables: [{ name: orders, group_column_names: [customer_id] }]", "tables: [{ name: orders }, { name: public.orders, group_column_names: [id] }]", StringComparison.Ordinal));

        Assert.Empty(ok.Errors);
        var groups = ok.Config!.FindSink("orders-static")!.Settings.GroupColumns;
        Assert.Equal(["sales.items"], groups.Keys);
        Assert.Equal("sinks[0].tables[1].name", Assert.Single(twice.Errors).Path);
    }

    [Theory]
    [InlineData(@"db.internal\n")] // YAML escapes, in a double-quoted scalar
    [InlineData(@"db.inte\trnal")]
    [InlineData(@"db\u0000.internal")]
    public void AHostnameWithAControlCharacterIsRefusedWithItsKeyPath(string hostname)
    {
        var yaml = Yaml.ValidConfig.Replace("hostname: db.internal", "hostname: \"" + hostname + "\"", StringComparison.Ordinal);
        Assert.NotEqual(Yaml.ValidConfig, yaml);

        var result = Yaml.Load(yaml);

        var error = Assert.Single(result.Errors);
        Assert.Equal("databases[0].hostname", error.Path);
        Assert.Contains("control character", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AUrlWhoseDatabaseNameHoldsANewlineIsRefusedOnTheUrlKey()
    {
        var yaml = Yaml.ValidConfig.Replace(
            "hostname: db.internal\n    database: shop\n    password: hunter2", "url: \"postgres://u:p@db.internal:5432/sh%0Aop\"", StringComparison.Ordinal);
        Assert.NotEqual(Yaml.ValidConfig, yaml);

        var result = Yaml.Load(yaml);

        Assert.Equal("databases[0].url", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void UnknownSinkTypeAndUnknownDatabaseAreReported()
    {
        var yaml = Yaml.ValidConfig
            .Replace("type: fake\n      hosts: \"b1:9092\"\n      topic: orders", "type: kafak\n      hosts: \"b1:9092\"", StringComparison.Ordinal)
            .Replace("routing: by-table", "routing: by-table\n    database: nope", StringComparison.Ordinal);

        var result = Yaml.Load(yaml.Replace("  - name: orders-dynamic\n    database: shop\n", "  - name: orders-dynamic\n", StringComparison.Ordinal));

        Assert.Contains(result.Errors, e => e.Path == "sinks[0].destination.type" && e.Message.Contains("Known types: fake", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Path == "sinks[1].database" && e.Message.Contains("'nope' is not defined", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("NULL")]
    [InlineData("nil")]
    public void ReservedFunctionNamesAreRejected(string name)
    {
        var result = Yaml.Load(Yaml.ValidConfig.Replace("name: only-big", $"name: \"{name}\"", StringComparison.Ordinal).Replace("    filter: only-big\n", string.Empty, StringComparison.Ordinal));

        Assert.Equal("functions[1].name", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void FunctionsAreParsedAndRunOnceAtLoadAndTheirErrorsNameTheFunctionLineAndColumn()
    {
        var yaml = Yaml.ValidConfig.Replace(
            "code: \"function filter(action, record, changes, metadata) { return true; }\"",
            "code: \"function filter(action, record, changes, metadata) {\\n  return record.name.nope.deeper;\\n}\"",
            StringComparison.Ordinal);
        yaml = yaml.Replace(
            "return { topic: metadata.table_name };",
            "return { topic: metadata.table_name ;",
            StringComparison.Ordinal);

        var result = Yaml.Load(yaml);

        Assert.Equal(2, result.Errors.Count);
        var syntax = Assert.Single(result.Errors, e => e.Path == "functions[0].code");
        Assert.Contains("by-table", syntax.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", syntax.Message, StringComparison.Ordinal);
        var runtime = Assert.Single(result.Errors, e => e.Path == "functions[1].code");
        Assert.Contains("only-big", runtime.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", runtime.Message, StringComparison.Ordinal);
        Assert.Contains("column", runtime.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionCodeIsReadFromAFileRelativeToTheConfigFolderAndLimitedTo10KB()
    {
        using var dir = new TempDirectory();
        dir.Write("functions/route.js", "function route(action, record, changes, metadata) { return { topic: \"t\" }; }");
        dir.Write("big.js", new string('x', 10 * 1024 + 1));
        var yaml = Yaml.ValidConfig.Replace(
            "code: \"function filter(action, record, changes, metadata) { return true; }\"",
            "file: big.js",
            StringComparison.Ordinal);
        yaml = yaml.Replace(
            "code: |-\n      function route(action, record, changes, metadata) {\n        return { topic: metadata.table_name };\n      }",
            "file: functions/route.js",
            StringComparison.Ordinal);

        var result = Yaml.Load(yaml, baseDirectory: dir.Path);

        var error = Assert.Single(result.Errors);
        Assert.Equal("functions[1].file", error.Path);
        Assert.Contains("at most 10240 bytes", error.Message, StringComparison.Ordinal);

        var ok = Yaml.Load(yaml.Replace("file: big.js", "code: \"function filter(action, record, changes, metadata) { return false; }\"", StringComparison.Ordinal), baseDirectory: dir.Path);
        Assert.Empty(ok.Errors);
        Assert.Contains("topic: \"t\"", ok.Config!.FindFunction("by-table")!.Code, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(dir.Path, "functions", "route.js"), ok.Config.FindFunction("by-table")!.FilePath);
    }

    [Fact]
    public void DatabaseUrlGivesTheConnectionFields()
    {
        var yaml = Yaml.ValidConfig.Replace(
            "hostname: db.internal\n    database: shop\n    password: hunter2",
            "url: postgres://app:p%40ss@db2:6543/orders",
            StringComparison.Ordinal);

        var db = Assert.Single(Yaml.Load(yaml).Config!.Databases);

        Assert.Equal(("db2", 6543, "orders", "app", "p@ss"), (db.Hostname, db.Port, db.Database, db.Username, db.Password));
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(db.BuildConnectionString());
        Assert.Equal(("db2", 6543, "orders", "app", "p@ss"), (connection.Host, connection.Port, connection.Database, connection.Username, connection.Password));
    }

    [Fact]
    public void WrongShapesAreReportedInsteadOfThrowing()
    {
        var result = Yaml.Load("""
            databases: shop
            sinks:
              - name: "bad name!"
                actions: insert
                batch_size: many
                destination: fake
            """);

        Assert.Equal(
            ["databases", "sinks[0].actions", "sinks[0].batch_size", "sinks[0].database", "sinks[0].destination", "sinks[0].name"],
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    private sealed class OtherPlugin : Sink<FakeSinkOptions>
    {
        private readonly FakeSinkPlugin _inner = new();

        public override string TypeName => "other";

        public override string Description => "Another sink.";

        public override ISinkDelivery CreateDelivery(FakeSinkOptions options, SinkContext context) => new FakeSinkClient(options, _inner);
    }
}
