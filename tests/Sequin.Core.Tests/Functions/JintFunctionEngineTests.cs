using System.Buffers;
using System.Text;
using System.Text.Json;
using Sequin.Core.Tests.Routing.Support;
using Sequin.Functions;
using Sequin.Functions.Engines;
using Sequin.Messages;

namespace Sequin.Core.Tests.Functions;

public sealed class JintFunctionEngineTests
{
    private static readonly FunctionLimits FastLimits = new() { Timeout = TimeSpan.FromMilliseconds(300), MaxStatements = int.MaxValue };

    [Fact]
    public void ArgumentsAreTypedLikeTheMessageJson()
    {
        var result = Transform(
            "return [typeof record.id, typeof record.rank, typeof record.is_active, Array.isArray(record.tags), record.tags[1],"
            + " typeof record.metadata, record.metadata.allies[0], record.metadata.age + 1, action, changes === null,"
            + " metadata.table_schema, metadata.table_name, metadata.commit_lsn, metadata.commit_idx, metadata.record_pks[0],"
            + " metadata.consumer.name, metadata.consumer.annotations.team, metadata.database.hostname, metadata.transaction_annotations.actor,"
            + " metadata.idempotency_key, metadata.commit_timestamp];");

        Assert.Equal(
            "[\"number\",\"number\",\"boolean\",true,\"kwisatz haderach\",\"object\",\"Stilgar\",16,\"insert\",true,"
            + "\"public\",\"characters\",23728496,3,\"42\",\"characters-to-kafka\",\"core\",\"db.internal\",\"admin-ui\","
            + "\"MjM3Mjg0OTY6Mw==\",\"2025-03-01T10:00:00.130000Z\"]",
            result);
    }

    [Fact]
    public void ChangesHoldTheOldValuesOnUpdate()
    {
        var result = Transform("return changes;", Some.Message(ChangeAction.Update, house: "Atreides", oldHouse: "Corrino"));

        Assert.Equal("{\"house\":\"Corrino\"}", result);
    }

    [Theory]
    [InlineData("return System;", "System is not defined")]
    [InlineData("return importNamespace('System.IO');", "importNamespace is not defined")]
    [InlineData("return clrHelper.typeOf('x');", "clrHelper is not defined")]
    [InlineData("return System.IO.File.ReadAllText('/etc/passwd');", "System is not defined")]
    [InlineData("return host.engine;", "host is not defined")]
    [InlineData("return require('fs');", "require is not defined")]
    public void TheClrAndTheHostAreOutOfReach(string body, string expected)
    {
        var e = Assert.Throws<FunctionException>(() => Instance(Some.Transform(body)).InvokeTransform(Input(Some.Message())));

        Assert.Contains("ReferenceError: " + expected, e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheGlobalObjectHoldsOnlyJavaScriptBuiltIns()
    {
        var result = Transform("var names = []; for (var k in globalThis) { names.push(k); } return names;");

        Assert.Equal("[\"transform\"]", result); // only the function's own declaration
    }

    [Fact]
    public void AThrowingFunctionReportsItsNameLineAndColumn()
    {
        var function = new FunctionDefinition("bad-route", FunctionKind.Routing, "function route(action, record, changes, metadata) {\n  var a = 1;\n  return record.missing.deep;\n}");

        var e = Assert.Throws<FunctionException>(() => Instance(function).InvokeRoute(Input(Some.Message()), []));

        Assert.Equal("bad-route", e.Error.FunctionName);
        Assert.Equal(3, e.Error.Line);
        Assert.NotNull(e.Error.Column);
        Assert.Contains("Routing function 'bad-route' threw TypeError", e.Error.Message, StringComparison.Ordinal);
        Assert.Contains("(line 3, column", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThrowingANonErrorValueIsReported()
    {
        var e = Assert.Throws<FunctionException>(() => Instance(Some.Filter("throw 'nope';")).InvokeFilter(Input(Some.Message())));

        Assert.Contains("threw \"nope\"", e.Error.Message, StringComparison.Ordinal);
        Assert.Equal(2, e.Error.Line);
    }

    [Fact]
    public void AnEndlessLoopIsStoppedByTheTimeLimitAndTheInstanceStaysUsable()
    {
        var instance = Instance(Some.Filter("if (action === 'delete') { for (;;) { } }\nreturn true;"), FastLimits);

        var e = Assert.Throws<FunctionException>(() => instance.InvokeFilter(Input(Some.Message(ChangeAction.Delete))));
        Assert.Contains("exceeded the time limit of 300 ms of CPU time", e.Error.Message, StringComparison.Ordinal);
        Assert.Equal(2, e.Error.Line);

        Assert.True(instance.InvokeFilter(Input(Some.Message())));
    }

    [Fact]
    public void AnEndlessLoopIsStoppedByTheStatementLimit()
    {
        var instance = Instance(Some.Filter("var i = 0; while (true) { i++; }"), new FunctionLimits { Timeout = TimeSpan.FromSeconds(1), MaxStatements = 1000 });

        var e = Assert.Throws<FunctionException>(() => instance.InvokeFilter(Input(Some.Message())));

        Assert.Contains("more than 1000 statements", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepRecursionIsStoppedAndTheInstanceStaysUsable()
    {
        var function = new FunctionDefinition("deep", FunctionKind.Filter,
            "function down(n) { return n === 0 ? true : down(n - 1); }\nfunction filter(action, record, changes, metadata) { return down(record.id); }");
        var instance = Instance(function, new FunctionLimits { Timeout = TimeSpan.FromSeconds(1), MaxRecursionDepth = 50 });

        var e = Assert.Throws<FunctionException>(() => instance.InvokeFilter(Input(Some.Message(id: "100000"))));
        Assert.Contains("recursion limit of 50", e.Error.Message, StringComparison.Ordinal);

        Assert.True(instance.InvokeFilter(Input(Some.Message(id: "10"))));
    }

    [Fact]
    public void JavaScriptCannotCatchTheLimits()
    {
        var instance = Instance(Some.Filter("try { while (true) { } } catch (e) { return true; }\nreturn true;"), FastLimits);

        Assert.Throws<FunctionException>(() => instance.InvokeFilter(Input(Some.Message())));
    }

    [Fact]
    public void SyntaxErrorsCarryLineAndColumn()
    {
        var e = Assert.Throws<FunctionException>(() => JintFunctionEngine.Shared.Compile(Some.Route("  return { topic: 'x' ;"), Some.Limits));

        Assert.Equal(2, e.Error.Line);
        Assert.NotNull(e.Error.Column);
        Assert.Contains("Routing function 'my-route' has a syntax error", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SourceLargerThan10KbIsRejected()
    {
        var body = "return true; // " + new string('x', FunctionLimits.MaxSourceBytes);

        var e = Assert.Throws<FunctionException>(() => JintFunctionEngine.Shared.Compile(Some.Filter(body), Some.Limits));

        Assert.Contains("too large", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeeplyNestedSourceIsRejectedBeforeItCanOverflowTheStack()
    {
        var body = "return " + new string('(', 3000) + "1" + new string(')', 3000) + ";";

        var e = Assert.Throws<FunctionException>(() => JintFunctionEngine.Shared.Compile(Some.Filter(body), Some.Limits));

        Assert.Contains("nests brackets more than 100 levels deep", e.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("f({ a: [1, (2)] })", 4)]
    [InlineData("var s = '((((('; // ((((((\n/* [[[[ */ x(1)", 1)]
    [InlineData("var s = \"a\\\"(\"; g()", 1)]
    public void NestingIgnoresStringsAndComments(string code, int expected)
    {
        Assert.Equal(expected, JintFunctionEngine.MaxNesting(code));
    }

    [Fact]
    public void RecursionLimitAboveTheSafeMaximumIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FunctionLimits { MaxRecursionDepth = 201 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new FunctionLimits { Timeout = TimeSpan.FromMilliseconds(1001) });
    }

    [Fact]
    public void CodeWithoutTheEntryPointIsRejected()
    {
        var e = Assert.Throws<FunctionException>(() => Instance(new FunctionDefinition("f", FunctionKind.Filter, "function keep() { return true; }")));

        Assert.Contains("must declare function filter(action, record, changes, metadata)", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuiltInHelpersOnceInThePreludeAreNative()
    {
        var result = Transform(
            "return ['sequin'.startsWith('seq'), 'sequin'.endsWith('in'), 'sequin'.includes('qu'), '7'.padStart(3, '0'), 'ab'.repeat(2),"
            + " [1, 2, 3].find(function (x) { return x > 1; }), [1, 2, 3].findIndex(function (x) { return x === 3; }), [1, NaN].includes(NaN),"
            + " Object.assign({ a: 1 }, { b: 2 }).b, Object.values({ a: 1, b: 2 }), Object.entries({ a: 1 })[0][0],"
            + " Number.isInteger(5), Number.isInteger(5.5), Math.trunc(-4.7), Array.from('ab'), '  x '.trimStart()];");

        Assert.Equal("[true,true,true,\"007\",\"abab\",2,2,true,2,[1,2],\"a\",true,false,-4,[\"a\",\"b\"],\"x \"]", result);
    }

    [Fact]
    public void BuiltInHelpersAreNotEnumerable()
    {
        Assert.Equal("[\"0\",\"1\"]", Transform("var keys = []; for (var k in ['a', 'b']) { keys.push(k); } return keys;"));
    }

    [Fact]
    public void ACompiledFunctionIsSharedByEnginesOnManyThreads()
    {
        var compiled = JintFunctionEngine.Shared.Compile(Some.Transform("var total = 0; for (var i = 0; i < 20; i++) { total += i; }\nreturn record.id * 2 + total;"), Some.Limits);
        var wrong = 0;
        Parallel.For(0, 4, worker =>
        {
            var instance = compiled.CreateInstance();
            for (var i = 0; i < 200; i++)
            {
                var id = worker * 1000 + i;
                var json = Encoding.UTF8.GetString(instance.InvokeTransform(Input(Some.Message(id: id.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
                if (json != (id * 2 + 190).ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    Interlocked.Increment(ref wrong);
                }
            }
        });

        Assert.Equal(0, wrong);
    }

    [Fact]
    public void ArgumentsAreFreshOnEveryCall()
    {
        var instance = Instance(Some.Transform("var seen = record.seen === true; record.seen = true; return seen;"));

        Assert.Equal("false", Encoding.UTF8.GetString(instance.InvokeTransform(Input(Some.Message()))));
        Assert.Equal("false", Encoding.UTF8.GetString(instance.InvokeTransform(Input(Some.Message()))));
    }

    [Fact]
    public void AnArgumentKeptAtTheTopLevelIsGoneAtTheNextCall()
    {
        // A top level with a variable runs anew for every call: nothing kept there reaches the next message.
        var instance = Instance(new FunctionDefinition("keeper", FunctionKind.Transform,
            "var kept;\nfunction transform(action, record, changes, metadata) {\n"
            + "var out = kept === undefined ? null : kept.id;\n"
            + "kept = record; return [out, record.id, record.house];\n}"));
        var buffer = new ArrayBufferWriter<byte>(4096);

        var first = Encoding.UTF8.GetString(instance.InvokeTransform(Write(buffer, Some.Message(id: "1", house: "Atreides"))));
        var second = Encoding.UTF8.GetString(instance.InvokeTransform(Write(buffer, Some.Message(id: "2", house: "Harkonnen"))));

        Assert.Equal("[null,1,\"Atreides\"]", first);
        Assert.Equal("[null,2,\"Harkonnen\"]", second);
    }

    [Fact]
    public void ArgumentsEnumerateAndSerializeLikeTheMessageJson()
    {
        var message = Some.Message(ChangeAction.Update, house: "Atreides", oldHouse: "Corrino");
        using var expected = JsonDocument.Parse(Input(message).MessageJson);

        // Read a late column first, then enumerate: the JSON's order, not the order of access.
        var result = Transform("var h = record.metadata.age; var t = metadata.table_name; return [record, changes, metadata, Object.keys(record), h, t];", message);

        using var actual = JsonDocument.Parse(result);
        Assert.Equal(JsonSerializer.Serialize(expected.RootElement.GetProperty("record")), JsonSerializer.Serialize(actual.RootElement[0]));
        Assert.Equal(JsonSerializer.Serialize(expected.RootElement.GetProperty("changes")), JsonSerializer.Serialize(actual.RootElement[1]));
        Assert.Equal(JsonSerializer.Serialize(expected.RootElement.GetProperty("metadata")), JsonSerializer.Serialize(actual.RootElement[2]));
        Assert.Equal("[\"id\",\"name\",\"house\",\"rank\",\"is_active\",\"tags\",\"metadata\"]", actual.RootElement[3].GetRawText());
        Assert.Equal("15", actual.RootElement[4].GetRawText());
        Assert.Equal("\"characters\"", actual.RootElement[5].GetRawText());
    }

    [Fact]
    public void ArgumentsBehaveAsPlainObjects()
    {
        var result = Transform(
            "var a = record.name; record.house = 'Fremen'; delete record.rank; record.extra = 1; record.id = record.id + 1;\n"
            + "var keys = []; for (var k in record) { keys.push(k); }\n"
            + "return [keys, record.house, 'rank' in record, 'tags' in record, record.hasOwnProperty('is_active'), record.nope === undefined,\n"
            + " Object.getPrototypeOf(record) === Object.prototype, Object.isExtensible(record), typeof record.toString, String(record),\n"
            + " record.id, a, Object.getOwnPropertyDescriptor(record, 'tags').writable, delete record.tags, record.tags === undefined];");

        Assert.Equal(
            "[[\"id\",\"name\",\"house\",\"is_active\",\"tags\",\"metadata\",\"extra\"],\"Fremen\",false,true,true,true,"
            + "true,true,\"function\",\"[object Object]\",43,\"Paul\",true,true,true]",
            result);
    }

    [Fact]
    public void AFrozenArgumentStaysFrozen()
    {
        var result = Transform("Object.freeze(record); let threw = false; try { record.house = 'x'; } catch (e) { threw = e instanceof TypeError; }\n"
            + "return [record.house, threw, Object.isFrozen(record), Object.keys(record).length];");

        Assert.Equal("[\"Atreides\",true,true,7]", result); // strict mode: writing a frozen object throws
    }

    [Fact]
    public void ConsumerAndDatabaseMetadataAreFrozenSoACallCannotChangeTheNext()
    {
        var instance = Instance(Some.Transform("let threw = 0; try { metadata.consumer.name = 'changed'; } catch (e) { threw++; } try { metadata.database.annotations.x = 1; } catch (e) { threw++; }\nreturn [metadata.consumer.name, metadata.database.annotations.x === undefined, metadata.commit_idx, threw];"));

        Assert.Equal("[\"characters-to-kafka\",true,3,2]", Encoding.UTF8.GetString(instance.InvokeTransform(Input(Some.Message()))));
        Assert.Equal("[\"characters-to-kafka\",true,3,2]", Encoding.UTF8.GetString(instance.InvokeTransform(Input(Some.Message()))));
    }

    [Fact]
    public void AFunctionDeclaringFewerParametersStillWorks()
    {
        var instance = Instance(new FunctionDefinition("f", FunctionKind.Filter, "function filter(action) { return action === 'insert'; }"));

        Assert.True(instance.InvokeFilter(Input(Some.Message(ChangeAction.Insert))));
        Assert.False(instance.InvokeFilter(Input(Some.Message(ChangeAction.Delete))));
    }

    [Fact]
    public void ArgumentsReachedThroughTheArgumentsObjectAreBuilt()
    {
        var instance = Instance(new FunctionDefinition("f", FunctionKind.Filter, "function filter(a, r) { return arguments[3].table_name === 'characters' && arguments[1].house === 'Atreides'; }"));

        Assert.True(instance.InvokeFilter(Input(Some.Message())));
    }

    [Theory]
    [InlineData("function route(action, record, changes, metadata) { return { topic: metadata.table_name }; }", 0b1000)]
    [InlineData("function route(action, record, changes, metadata) { return { topic: record.x + action }; }", 0b0011)]
    [InlineData("function route(action, record, changes, metadata) { return arguments[2]; }", 0b1111)]
    [InlineData("function route(action, record, changes, metadata) { return eval('record'); }", 0b1111)]
    [InlineData("function route(a, record) { var records = 1; return {}; }", 0b0000)]
    public void OnlyArgumentsTheCodeNamesAreBuilt(string code, int expected)
    {
        var compiled = (JintCompiledFunction)JintFunctionEngine.Shared.Compile(new FunctionDefinition("f", FunctionKind.Routing, code), Some.Limits);

        Assert.Equal(expected, compiled.Shape.UsedArguments(code));
    }

    [Theory]
    [InlineData(ChangeAction.Insert)]
    [InlineData(ChangeAction.Update)]
    [InlineData(ChangeAction.Delete)]
    [InlineData(ChangeAction.Truncate)]
    public void ArgumentsFoundThroughTheWritersLayoutEqualThoseFoundByScanning(ChangeAction action)
    {
        var instance = Instance(Some.Transform(
            "return [action, record.id, record.house, record.tags, changes, metadata.table_name, metadata.consumer.name, Object.keys(record), record, metadata];"));
        var message = Some.Message(action, house: "Atreides", oldHouse: "Corrino");

        var withLayout = Encoding.UTF8.GetString(instance.InvokeTransform(Input(message)));
        var scanned = Encoding.UTF8.GetString(instance.InvokeTransform(InputWithoutLayout(message)));

        Assert.NotNull(Input(message).Layout);
        Assert.Equal(scanned, withLayout);
        Assert.Contains("\"characters\"", withLayout, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadsAnsweredFromTheJsonAgreeWithTheBuiltObject()
    {
        // Before Object.keys the reads are answered from the JSON; after it, from the built properties.
        const string Reads = "[record.id, record.name, record.tags === record.tags, record.metadata === record.metadata, record.nope,"
            + " record.constructor === Object, typeof record.hasOwnProperty, metadata.consumer === metadata.consumer, metadata.commit_idx, changes]";
        var result = Transform("const before = " + Reads + ";\nconst keys = Object.keys(record).length + Object.keys(metadata).length;\nconst after = " + Reads + ";\nreturn [before, after, keys];");

        Assert.Equal(
            "[[42,\"Paul\",true,true,null,true,\"function\",true,3,null],[42,\"Paul\",true,true,null,true,\"function\",true,3,null],19]",
            result);
    }

    [Fact]
    public void ManyReadsOfOneArgumentStayCorrect()
    {
        var result = Transform("let sum = 0; for (let i = 0; i < 20; i++) { sum += record.id + metadata.commit_idx; }\n"
            + "record.house = 'Fremen'; return [sum, record.house, Object.keys(record).length, record.tags[0]];");

        Assert.Equal("[900,\"Fremen\",7,\"heir\"]", result);
    }

    [Fact]
    public void AnArgumentWrittenBeforeItIsReadKeepsTheWrite()
    {
        var result = Transform("record.name = 'Usul'; metadata.table_name = 't'; return [record.name, metadata.table_name, JSON.stringify(record).indexOf('Usul') > 0];");

        Assert.Equal("[\"Usul\",\"t\",true]", result);
    }

    internal static FunctionInput Input(ChangeMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        MessageJsonLayout layout;
        using (var writer = new Utf8JsonWriter(buffer, ChangeMessageJsonWriter.WriterOptions))
        {
            ChangeMessageJsonWriter.Write(writer, message, Some.Consumer, TimestampFormat.Iso8601, out layout);
        }

        return new FunctionInput(buffer.WrittenMemory, layout);
    }

    // As FunctionValidator and `sequin functions test` call functions: the JSON alone, scanned for the arguments.
    private static FunctionInput InputWithoutLayout(ChangeMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ChangeMessageJsonWriter.Write(writer, message, Some.Consumer, TimestampFormat.Iso8601);
        }

        return new FunctionInput(buffer.WrittenMemory);
    }

    private static FunctionInput Write(ArrayBufferWriter<byte> buffer, ChangeMessage message)
    {
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ChangeMessageJsonWriter.Write(writer, message, Some.Consumer, TimestampFormat.Iso8601);
        }

        return new FunctionInput(buffer.WrittenMemory);
    }

    internal static IFunctionInstance Instance(FunctionDefinition function, FunctionLimits? limits = null) =>
        JintFunctionEngine.Shared.Compile(function, limits ?? Some.Limits).CreateInstance();

    private static string Transform(string body, ChangeMessage? message = null) =>
        Encoding.UTF8.GetString(Instance(Some.Transform(body)).InvokeTransform(Input(message ?? Some.Message())));
}
