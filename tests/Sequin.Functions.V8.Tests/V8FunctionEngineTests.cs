using System.Buffers;
using System.Text.Json;
using Sequin.Functions;
using Sequin.Functions.Engines;
using Sequin.Messages;

namespace Sequin.Functions.V8.Tests;

public sealed class V8FunctionEngineTests
{
    // CPU time, and a wall-clock cap the most a shared, loaded machine allows: an endless loop always meets the CPU limit first.
    internal static readonly FunctionLimits Limits = new() { Timeout = FunctionLimits.MaxTimeout, WallClockTimeout = FunctionLimits.MaxWallClockTimeout };

    private static readonly ConsumerInfo Consumer = new("sink-1", "orders-to-kafka");

    private static readonly RelationInfo Orders = new(16384, "public", "orders",
    [
        new RelationColumn("id", PgTypeOids.Int8, -1, IsKey: true),
        new RelationColumn("status", PgTypeOids.Text, -1, IsKey: false),
        new RelationColumn("amount", PgTypeOids.Numeric, -1, IsKey: false),
    ]);

    [Fact]
    public void RoutesLikeTheJintEngine()
    {
        var definition = Route("""
            const prefix = 'sequin.';
            function route(action, record, changes, metadata) {
              return { topic: prefix + metadata.table_schema + '.' + metadata.table_name + (record.status === 'archived' ? '.archive' : ''),
                       message_key: String(record.id), partition: record.amount, nothing: null, absent: undefined, bad: true };
            }
            """);
        var input = Input(Message("7", "archived"));
        var v8 = new List<RouteEntry>();
        var jint = new List<RouteEntry>();

        V8FunctionEngine.Shared.Compile(definition, Limits).CreateInstance().InvokeRoute(input, v8);
        JintFunctionEngine.Shared.Compile(definition, Limits).CreateInstance().InvokeRoute(input, jint);

        Assert.Equal(jint, v8);
        Assert.Equal(new RouteEntry("topic", RouteValueKind.String, "sequin.public.orders.archive"), v8[0]);
        Assert.Equal(new RouteEntry("bad", RouteValueKind.Other, "boolean true"), v8[^1]);
    }

    [Theory]
    [InlineData("12345678901234567890.0123456789")]
    [InlineData("1.50")]
    [InlineData("42.5")]
    [InlineData("1" + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000")]
    public void RoutesNumbersLikeTheJintEngine(string amount)
    {
        var definition = Route("""
            function route(action, record, changes, metadata) {
              return { message_key: record.amount, kind: typeof record.amount, sum: typeof record.amount === 'number' ? record.amount * 2 : record.amount.length };
            }
            """);
        var input = Input(Message("7", "paid", amount));
        var v8 = new List<RouteEntry>();
        var batch = new List<RouteEntry>[] { [], [] };
        var jint = new List<RouteEntry>();

        var instance = V8FunctionEngine.Shared.Compile(definition, Limits).CreateInstance();
        instance.InvokeRoute(input, v8);
        ((V8FunctionInstance)instance).InvokeRouteBatch([Input(Message("8", "paid", "9.5")), input], batch, new FunctionError?[2]);
        JintFunctionEngine.Shared.Compile(definition, Limits).CreateInstance().InvokeRoute(input, jint);

        Assert.Equal(new RouteEntry("message_key", RouteValueKind.Number, amount), jint[0]);
        Assert.Equal(jint, v8);
        Assert.Equal(jint, batch[1]);
        Assert.Equal(new RouteEntry("message_key", RouteValueKind.Number, "9.5"), batch[0][0]);
    }

    [Fact]
    public void EachMessageOfABatchIsRoutedOrFailsAlone()
    {
        var instance = (V8FunctionInstance)V8FunctionEngine.Shared.Compile(
            Route("function route(action, record) {\n  if (record.id === 2) { throw new Error('no route for 2'); }\n  return { topic: 't' + record.id };\n}"),
            Limits).CreateInstance();
        FunctionInput[] inputs = [Input(Message("1", "new")), Input(Message("2", "new")), Input(Message("3", "new"))];
        var outputs = inputs.Select(_ => new List<RouteEntry>()).ToArray();
        var errors = new FunctionError?[inputs.Length];

        instance.InvokeRouteBatch(inputs, outputs, errors);

        Assert.Equal("t1", Assert.Single(outputs[0]).Text);
        Assert.Empty(outputs[1]);
        Assert.Equal("t3", Assert.Single(outputs[2]).Text);
        Assert.Null(errors[0]);
        Assert.Null(errors[2]);
        Assert.Contains("Routing function 'r' failed at line 2", errors[1]!.Message, StringComparison.Ordinal);
        Assert.Contains("Error: no route for 2", errors[1]!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NothingSurvivesFromOneCallToTheNext()
    {
        var instance = V8FunctionEngine.Shared.Compile(
            Route("let count = 0;\nfunction route(action, record) { count++; return { topic: String(count) }; }"), Limits).CreateInstance();
        var first = new List<RouteEntry>();
        var second = new List<RouteEntry>();

        instance.InvokeRoute(Input(Message("1", "new")), first);
        instance.InvokeRoute(Input(Message("1", "new")), second);

        Assert.Equal("1", Assert.Single(first).Text);
        Assert.Equal("1", Assert.Single(second).Text);
    }

    [Theory]
    [InlineData("return { topic: eval('1') };", "ReferenceError: eval is not defined")]
    [InlineData("return { topic: Function('return 1')() };", "EvalError: Code generation from strings is disabled")]
    [InlineData("return { topic: (async function () {}).constructor('return 1') };", "EvalError: Code generation from strings is disabled")]
    [InlineData("globalThis.kept = 1; return {};", "TypeError: Cannot add property kept")]
    [InlineData("Array.prototype.kept = 1; return {};", "TypeError: Cannot add property kept")]
    [InlineData("return { topic: typeof EngineInternal === 'undefined' ? undefined.x : 'visible' };", "TypeError: Cannot read properties of undefined")]
    [InlineData("while (true) {}", "exceeded its time limit of")]
    [InlineData("function f() { return f() + 1; } return { topic: f() };", "RangeError: Maximum call stack size exceeded")]
    [InlineData("return 42;", "returned number 42. Routing functions must return an object")]
    public void HostileOrBrokenCodeFailsItsOwnCallAndTheInstanceStaysUsable(string body, string expected)
    {
        var instance = V8FunctionEngine.Shared.Compile(
            Route("function route(action, record, changes, metadata) {\n  if (record.id === 1) { " + body + " }\n  return { topic: 'ok' };\n}"), Limits).CreateInstance();

        var e = Assert.Throws<FunctionException>(() => instance.InvokeRoute(Input(Message("1", "new")), []));
        var after = new List<RouteEntry>();
        instance.InvokeRoute(Input(Message("2", "new")), after);

        Assert.Contains(expected, e.Error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Routing function 'r'", e.Error.Message, StringComparison.Ordinal);
        Assert.Equal("ok", Assert.Single(after).Text);
    }

    [Fact]
    public void SyntaxErrorsAndOtherKindsAreRefusedAtCompile()
    {
        var syntax = Assert.Throws<FunctionException>(() => V8FunctionEngine.Shared.Compile(Route("function route() {\n  return {;\n}"), Limits));
        var filter = Assert.Throws<FunctionException>(() => V8FunctionEngine.Shared.Compile(
            new FunctionDefinition("f", FunctionKind.Filter, "function filter() { return true; }"), Limits));

        Assert.Contains("SyntaxError", syntax.Error.Message, StringComparison.Ordinal);
        Assert.Equal(2, syntax.Error.Line);
        Assert.Contains("routing functions only", filter.Error.Message, StringComparison.Ordinal);
    }

    internal static FunctionDefinition Route(string code) => new("r", FunctionKind.Routing, code) { SinkType = "kafka" };

    internal static ChangeMessage Message(string id, string status, string amount = "42.5") => new(
        ChangeAction.Insert,
        new RowImage(Orders, [ColumnValue.FromText(id), ColumnValue.FromText(status), ColumnValue.FromText(amount)]),
        null,
        new TransactionInfo(23728496, DateTimeOffset.UnixEpoch.AddYears(55), 7),
        3,
        new SourceDatabaseInfo("db", "shop", "shop", "localhost"));

    internal static FunctionInput Input(ChangeMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        MessageJsonLayout layout;
        using (var writer = new Utf8JsonWriter(buffer, ChangeMessageJsonWriter.WriterOptions))
        {
            ChangeMessageJsonWriter.Write(writer, message, Consumer, TimestampFormat.Iso8601, out layout);
        }

        return new FunctionInput(buffer.WrittenMemory, layout);
    }
}
