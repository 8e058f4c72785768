using System.Diagnostics;
using System.Text;
using Sequin.Core.Tests.Routing.Support;
using Sequin.Functions;
using Sequin.Functions.Engines;
using Sequin.Messages;
using static Sequin.Core.Tests.Functions.JintFunctionEngineTests;

namespace Sequin.Core.Tests.Functions;

/// <summary>Jint 4: current JavaScript in every kind, no state between calls, and the attacks the sandbox must stop.</summary>
public sealed class JintSandboxTests
{
    private static readonly FunctionLimits AttackLimits = new() { Timeout = TimeSpan.FromMilliseconds(200), MaxStatements = int.MaxValue };

    [Fact]
    public void ModernSyntaxWorksInARoutingFunction()
    {
        var instance = Instance(new FunctionDefinition("modern-route", FunctionKind.Routing, """
            const prefix = "cdc";
            const topicOf = ({ house = "none" }, { table_name }) => `${prefix}.${table_name}.${house.toLowerCase()}`;
            function route(action, record, changes, metadata) {
              const { id, ...rest } = record;
              const tags = new Set([...(rest.tags ?? []), action]);
              return { topic: topicOf(record, metadata), message_key: `${id}:${tags.size}:${metadata?.consumer?.name ?? "?"}` };
            }
            """));
        var output = new List<RouteEntry>();

        instance.InvokeRoute(Input(Some.Message()), output);

        Assert.Equal(
            [new RouteEntry("topic", RouteValueKind.String, "cdc.characters.atreides"), new RouteEntry("message_key", RouteValueKind.String, "42:3:characters-to-kafka")],
            output);
    }

    [Fact]
    public void ModernSyntaxWorksInAFilterFunction()
    {
        var instance = Instance(new FunctionDefinition("modern-filter", FunctionKind.Filter, """
            class Rule {
              #houses;
              constructor(...houses) { this.#houses = new Map(houses.map((h, i) => [h, i])); }
              keeps(record) { return this.#houses.has(record?.house) && record.metadata?.age > 10; }
            }
            const filter = (action, record) => new Rule("Atreides", "Fremen").keeps(record);
            """));

        Assert.True(instance.InvokeFilter(Input(Some.Message(house: "Atreides"))));
        Assert.False(instance.InvokeFilter(Input(Some.Message(house: "Harkonnen"))));
    }

    [Fact]
    public void ModernSyntaxWorksInATransformFunction()
    {
        var instance = Instance(new FunctionDefinition("modern-transform", FunctionKind.Transform, """
            function transform(action, record, changes, metadata) {
              let [first, ...others] = record.tags;
              const entries = Object.entries({ id: record.id, house: record.house }).map(([k, v]) => `${k}=${v}`);
              return { first, others: others.length, entries, pad: String(record.id).padStart(5, "0"), big: (2n ** 64n).toString(), at: record.tags.at(-1) };
            }
            """));

        var json = Encoding.UTF8.GetString(instance.InvokeTransform(Input(Some.Message())));

        Assert.Equal("{\"first\":\"heir\",\"others\":1,\"entries\":[\"id=42\",\"house=Atreides\"],\"pad\":\"00042\",\"big\":\"18446744073709551616\",\"at\":\"kwisatz haderach\"}", json);
    }

    [Fact]
    public void AnOldEs5FunctionKeepsWorking()
    {
        var instance = Instance(new FunctionDefinition("es5", FunctionKind.Routing,
            "function route(action, record, changes, metadata) {\n  var parts = [];\n  for (var k in record) { if (record.hasOwnProperty(k) && typeof record[k] === 'string') { parts.push(k); } }\n"
            + "  return { topic: metadata.table_schema + '.' + metadata.table_name, message_key: parts.join(',') };\n}"));
        var output = new List<RouteEntry>();

        instance.InvokeRoute(Input(Some.Message()), output);

        Assert.Equal([new RouteEntry("topic", RouteValueKind.String, "public.characters"), new RouteEntry("message_key", RouteValueKind.String, "name,house")], output);
    }

    [Theory]
    [InlineData("Array.prototype.leak = 1;", "[].leak")]
    [InlineData("Object.prototype.leak = 1;", "({}).leak")]
    [InlineData("Object.defineProperty(Object.prototype, 'leak', { value: 1 });", "({}).leak")]
    [InlineData("String.prototype.trim = function () { return 'hacked'; };", "' x '.trim() === 'hacked' ? 1 : undefined")]
    [InlineData("globalThis.leak = 1;", "globalThis.leak")]
    [InlineData("JSON.stringify = () => 'hacked';", "JSON.stringify(1) === 'hacked' ? 1 : undefined")]
    [InlineData("Math.max = () => 1;", "Math.max(5, 6) === 1 ? 1 : undefined")]
    [InlineData("transform.leak = 1;", "transform.leak")]
    public void GlobalsAndPrototypesChangedByOneCallAreInvisibleToTheNext(string change, string probe)
    {
        var instance = Instance(Some.Transform(
            $"if (record.id === 1) {{ try {{ {change} }} catch (e) {{ return 'refused: ' + e.name; }} return 'changed'; }}\nreturn {probe} === undefined ? 'clean' : 'leaked';"));

        var first = Encoding.UTF8.GetString(instance.InvokeTransform(Input(Some.Message(id: "1"))));
        var second = Encoding.UTF8.GetString(instance.InvokeTransform(Input(Some.Message(id: "2"))));

        Assert.Equal("\"refused: TypeError\"", first);
        Assert.Equal("\"clean\"", second);
    }

    [Fact]
    public void TopLevelStateStartsAfreshOnEveryCall()
    {
        var instance = Instance(new FunctionDefinition("counter", FunctionKind.Routing,
            "let calls = 0;\nconst seen = [];\nfunction route(action, record) { calls++; seen.push(record.id); return { topic: `${calls}:${seen.length}` }; }"));

        for (var i = 0; i < 3; i++)
        {
            var output = new List<RouteEntry>();
            instance.InvokeRoute(Input(Some.Message()), output);
            Assert.Equal(new RouteEntry("topic", RouteValueKind.String, "1:1"), Assert.Single(output));
        }
    }

    [Fact]
    public void ImplicitGlobalsAreRefusedInStrictMode()
    {
        var e = Assert.Throws<FunctionException>(() => Instance(Some.Filter("leaked = 1;\nreturn true;")).InvokeFilter(Input(Some.Message())));

        Assert.Contains("ReferenceError", e.Error.Message, StringComparison.Ordinal);
        Assert.Equal(2, e.Error.Line);
    }

    [Theory]
    [InlineData("deep-stringify", "var o = {}; for (var i = 0; i < 30000; i++) o = { a: o }; return JSON.stringify(o);", "JSON depth limit")]
    [InlineData("deep-stringify-shared", "var o = {}; for (var i = 0; i < 200; i++) o = { a: o, b: o }; return JSON.stringify(o);", "JSON")]
    [InlineData("eval", "return eval(new Array(20001).join('(') + '1' + new Array(20001).join(')'));", "String compilation has been disabled")]
    [InlineData("function-constructor", "return new Function('return 1')();", "String compilation has been disabled")]
    [InlineData("regex", "return /(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!');", "regular expression")]
    [InlineData("big-join", "return new Array(1e7).join('x');", "memory limit")]
    [InlineData("big-replace", "var t = new Array(10001).join('x'); return t.replace(/x/g, t.replace(/x/g, 'xxxxxxxxxxxx'));", "memory limit")]
    [InlineData("endless-loop", "while (true) {}", "time limit of 200 ms of CPU time")]
    [InlineData("endless-loop-caught", "for (;;) { try { while (true) {} } catch (e) {} }", "time limit of 200 ms of CPU time")]
    [InlineData("recursion", "function f(n) { return f(n + 1) + 1; } return f(0);", "recursion limit of 100")]
    [InlineData("memory", "var a = []; while (true) a.push(new Array(1e6));", "limit")]
    [InlineData("memory-filled", "var a = []; while (true) a.push(new Array(1e5).fill(1.5));", "memory limit")]
    [InlineData("prototype-chain", "var o = {}; for (var i = 0; i < 1e7; i++) o = Object.create(o); return o.x;", "limit")]
    [InlineData("bound-chain", "var f = function () { return 1; }; for (var i = 0; i < 1e7; i++) f = f.bind(null); return f();", "limit")]
    [InlineData("nested-arrays", "var a = []; for (var i = 0; i < 1e7; i++) a = [a]; return String(a);", "limit")]
    [InlineData("proxy-chain", "var p = {}; for (var i = 0; i < 1e7; i++) p = new Proxy(p, {}); return p.x;", "limit")]
    [InlineData("deep-toJSON", "var make = () => ({ toJSON() { return { a: make() }; } }); return JSON.stringify(make());", "limit")]
    [InlineData("deep-replacer", "return JSON.stringify({}, (k, v) => ({ a: v }));", "limit")]
    public void EachAttackFailsOnlyItsOwnCallNamingTheLimit(string name, string body, string expected)
    {
        var instance = Instance(Some.Transform("if (record.id === 1) {\n" + body + "\n}\nreturn 'fine';", name), AttackLimits);
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<FunctionException>(() => instance.InvokeTransform(Input(Some.Message(id: "1"))));
        var elapsed = clock.Elapsed;

        Assert.Contains($"Transform function '{name}' ", e.Error.Message, StringComparison.Ordinal);
        Assert.True(e.Error.Message.Contains(expected, StringComparison.Ordinal), e.Error.Message);
        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"{name} took {elapsed}");
        Assert.Equal("\"fine\"", Encoding.UTF8.GetString(instance.InvokeTransform(Input(Some.Message(id: "2")))));
    }

    [Theory]
    [InlineData("var o = {}; for (var i = 0; i < 1e7; i++) o = Object.create(o); return o.x;")]
    [InlineData("var f = function () { return 1; }; for (var i = 0; i < 1e7; i++) f = f.bind(null); return f();")]
    [InlineData("var a = []; for (var i = 0; i < 1e7; i++) a = [a]; return String(a);")]
    [InlineData("var o = {}; for (var i = 0; i < 30000; i++) o = { a: o }; return JSON.stringify(o);")]
    public async Task AttacksFailCleanlyWhenTheCallRunsInlineOnAWorkerPartitionsThread(string body)
    {
        var instance = Instance(Some.Transform("if (record.id === 1) {\n" + body + "\n}\nreturn 'fine';"), AttackLimits);
        FunctionException? error = null;
        string? next = null;
        var callingThread = 0;

        await LargeStackThread.Run(
            () =>
            {
                callingThread = Environment.CurrentManagedThreadId;
                error = Assert.Throws<FunctionException>(() => instance.InvokeTransform(Input(Some.Message(id: "1"))));
                next = Encoding.UTF8.GetString(instance.InvokeTransform(Input(Some.Message(id: "2"))));
            },
            "test-partition");

        Assert.NotEqual(0, callingThread);
        Assert.Contains("limit", error!.Error.Message, StringComparison.Ordinal);
        Assert.Equal("\"fine\"", next);
    }

    [Fact]
    public void ACpuHeavyButHealthyCallDoesNotTimeOutWhileTheMachineIsLoaded()
    {
        var limits = new FunctionLimits { Timeout = TimeSpan.FromMilliseconds(200), MaxStatements = int.MaxValue };
        var instance = Instance(Some.Transform("let s = 0;\nfor (let i = 0; i < record.id; i++) { s = (s + i) % 1000003; }\nreturn s > -1;"), limits);

        // Calibrate before loading the machine, on CPU time: about half the limit.
        var iterations = 20_000;
        while (true)
        {
            var before = Process.GetCurrentProcess().TotalProcessorTime;
            instance.InvokeTransform(Input(Some.Message(id: iterations.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            var used = Process.GetCurrentProcess().TotalProcessorTime - before;
            if (used > TimeSpan.FromMilliseconds(30))
            {
                iterations = (int)(iterations * (100.0 / used.TotalMilliseconds));
                break;
            }

            iterations *= 2;
        }

        // Load every core several times over, so that the call's wall time is well past its limit.
        using var stop = new CancellationTokenSource();
        var spinners = Enumerable.Range(0, Environment.ProcessorCount * 8)
            .Select(_ => new Thread(() => { while (!stop.IsCancellationRequested) { Thread.SpinWait(1000); } }) { IsBackground = true })
            .ToList();
        spinners.ForEach(t => t.Start());
        try
        {
            var clock = Stopwatch.StartNew();
            var result = Encoding.UTF8.GetString(instance.InvokeTransform(Input(Some.Message(id: iterations.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
            var wall = clock.Elapsed;

            Assert.Equal("true", result);
            Assert.True(wall > limits.Timeout, $"the load did not slow the call down ({wall}): the test proves nothing");
        }
        finally
        {
            stop.Cancel();
            spinners.ForEach(t => t.Join());
        }
    }

    [Fact]
    public void TheDeepestJsonStringifyAllowedRunsFine()
    {
        var result = Encoding.UTF8.GetString(Instance(Some.Transform("var o = 1; for (var i = 0; i < 250; i++) o = [o]; return JSON.stringify(o).length;")).InvokeTransform(Input(Some.Message())));

        Assert.Equal("501", result);
    }

    [Fact]
    public void FunctionCallsRunOnALargeStack()
    {
        Assert.True(FunctionThread.StackSize >= 64 * 1024 * 1024);
        var result = Encoding.UTF8.GetString(Instance(Some.Transform("function down(n) { return n === 0 ? 0 : 1 + down(n - 1); }\nreturn down(190);"),
            new FunctionLimits { MaxRecursionDepth = 200 }).InvokeTransform(Input(Some.Message())));

        Assert.Equal("190", result);
    }
}
