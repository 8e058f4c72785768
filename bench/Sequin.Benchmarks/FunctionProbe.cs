using System.Diagnostics;
using System.Globalization;
using System.Text;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Sequin.Functions;
using Sequin.Functions.Engines;
using Sequin.Functions.V8;
using Sequin.Messages;

namespace Sequin.Benchmarks;

/// <summary>
/// Splits the cost of one dynamic routing call into its parts (building the arguments, the call with and without
/// each sandbox constraint): <c>dotnet run -c Release --project bench/Sequin.Benchmarks -- probe</c>.
/// </summary>
internal static class FunctionProbe
{
    private const string Code = """
        function route(action, record, changes, metadata) {
          var topic = 'sequin.' + metadata.table_schema + '.' + metadata.table_name;
          if (record.status === 'archived') { topic = topic + '.archive'; }
          return { topic: topic, message_key: String(record.id) };
        }
        """;

    public static void Run(TextWriter output)
    {
        var bench = new RoutingBenchmarks();
        bench.Setup();
        var json = bench.MessageJson;
        output.WriteLine(Encoding.UTF8.GetString(json.Span));
        var limits = new FunctionLimits { Timeout = TimeSpan.FromSeconds(1) };

        var sandboxed = Build(limits, statements: true, memory: true, cpu: true, recursion: true);
        var args = new JsValue[4];
        var shared = new SharedMetadata();
        var names = new PropertyNames();
        var lazy = new LazyJsonSource(sandboxed.Engine, names);
        lazy.Begin(json);
        Measure(output, "args: ReadArguments (lazy, current)", () => JsonToJsValue.ReadArguments(sandboxed.Engine, json.Span, args, 0b1111, shared, names, lazy));
        Measure(output, "args: ReadArguments (lazy, layout)", () => JsonToJsValue.ReadArguments(sandboxed.Engine, json.Span, args, 0b1111, shared, names, lazy, bench.MessageLayout));
        var routeFn = sandboxed.Entry;
        Measure(output, "args (lazy, layout) + call", () =>
        {
            JsonToJsValue.ReadArguments(sandboxed.Engine, json.Span, args, 0b1111, shared, names, lazy, bench.MessageLayout);
            sandboxed.Engine.Call(routeFn, JsValue.Undefined, args);
        });
        Measure(output, "args (lazy, layout) + call + keys of result", () =>
        {
            JsonToJsValue.ReadArguments(sandboxed.Engine, json.Span, args, 0b1111, shared, names, lazy, bench.MessageLayout);
            var result = (Jint.Native.Object.ObjectInstance)sandboxed.Engine.Call(routeFn, JsValue.Undefined, args);
            foreach (var key in result.GetOwnPropertyKeys(Jint.Runtime.Types.String))
            {
                _ = result.GetOwnProperty(key).Value.ToString();
            }
        });
        Measure(output, "args: ReadArguments (eager)", () => JsonToJsValue.ReadArguments(sandboxed.Engine, json.Span, args, 0b1111, shared, names, null));
        var parser = new JsonParser(sandboxed.Engine);
        Measure(output, "args: JsonParser.Parse(whole utf8)", () => parser.Parse(json.Span));

        V8(output, json, limits);
        Instance(output, json, null, limits);
        Instance(output, json, bench.MessageLayout, limits);
        foreach (var (name, s, m, c, r) in new[]
        {
            ("call: bare (no constraints)", false, false, false, false),
            ("call: + statements", true, false, false, false),
            ("call: + memory", false, true, false, false),
            ("call: + cpu", false, false, true, false),
            ("call: + recursion", false, false, false, true),
            ("call: all (current)", true, true, true, true),
            ("call: all but statements", false, true, true, true),
            ("call: all, frozen realm", true, true, true, true),
        })
        {
            var probe = Build(limits, s, m, c, r);
            if (name.Contains("frozen", StringComparison.Ordinal))
            {
                JintSandbox.GuardJsonStringify(probe.Engine);
                JintSandbox.FreezeRealm(probe.Engine);
            }

            var parsed = (Jint.Native.Object.ObjectInstance)new JsonParser(probe.Engine).Parse(json.Span);
            var callArgs = new[] { parsed.Get("action"), parsed.Get("record"), parsed.Get("changes"), parsed.Get("metadata") };
            Measure(output, name, () => probe.Engine.Call(probe.Entry, JsValue.Undefined, callArgs));
        }
    }

    private static void V8(TextWriter output, ReadOnlyMemory<byte> json, FunctionLimits limits)
    {
        var definition = new FunctionDefinition("probe", FunctionKind.Routing, Code);
        var instance = (V8FunctionInstance)V8FunctionEngine.Shared.Compile(definition, limits).CreateInstance();
        var entries = new List<RouteEntry>();
        var input = new FunctionInput(json);
        instance.InvokeRoute(input, entries);
        output.WriteLine("v8 route: " + string.Join(", ", entries));
        Measure(output, "v8: InvokeRoute, one message per call", () =>
        {
            entries.Clear();
            instance.InvokeRoute(input, entries);
        });
        foreach (var size in new[] { 100, 1000 })
        {
            var inputs = Enumerable.Repeat(input, size).ToArray();
            var outputs = Enumerable.Range(0, size).Select(_ => new List<RouteEntry>()).ToArray();
            var errors = new FunctionError?[size];
            var best = double.MaxValue;
            long bytes = 0;
            for (var round = 0; round < 40; round++)
            {
                foreach (var o in outputs)
                {
                    o.Clear();
                }

                var before = GC.GetAllocatedBytesForCurrentThread();
                var watch = Stopwatch.StartNew();
                instance.InvokeRouteBatch(inputs, outputs, errors);
                best = Math.Min(best, watch.Elapsed.TotalNanoseconds / size);
                bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / size;
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"v8: InvokeRouteBatch, " + size + " per call (per message)",-45} {best,8:F0} ns {bytes,8:F0} B   [{string.Join(", ", outputs[size - 1])}] {errors[0]?.Message}"));
        }

        instance.Dispose();
        V8Sandbox(output, json);
        using var bare = new Microsoft.ClearScript.V8.V8ScriptEngine();
        var one = (Microsoft.ClearScript.ScriptObject)bare.Evaluate("(function (s) { return s.length; })");
        Measure(output, "v8 bare: InvokeAsFunction(string) -> int", () => one.InvokeAsFunction("abc"));
        bare.Execute("function lenOf(s) { return s.length; }");
        Measure(output, "v8 bare: engine.Invoke(name, string) -> int", () => bare.Invoke("lenOf", "abc"));
        using var constrained = new Microsoft.ClearScript.V8.V8ScriptEngine("x", new Microsoft.ClearScript.V8.V8RuntimeConstraints { MaxOldSpaceSize = 512, MaxNewSpaceSize = 16 }, Microsoft.ClearScript.V8.V8ScriptEngineFlags.DisableGlobalMembers);
        var two = (Microsoft.ClearScript.ScriptObject)constrained.Evaluate("(function (s) { return s.length; })");
        Measure(output, "v8 constraints+flags: InvokeAsFunction", () => two.InvokeAsFunction("abc"));
        using var flagsOnly = new Microsoft.ClearScript.V8.V8ScriptEngine(Microsoft.ClearScript.V8.V8ScriptEngineFlags.DisableGlobalMembers);
        var three = (Microsoft.ClearScript.ScriptObject)flagsOnly.Evaluate("(function (s) { return s.length; })");
        var jsonText = Encoding.UTF8.GetString(json.Span);
        var parse = (Microsoft.ClearScript.ScriptObject)bare.Evaluate("(function (s) { return JSON.stringify(JSON.parse(s).metadata.table_name); })");
        Measure(output, "v8 bare: parse+stringify of the message", () => parse.InvokeAsFunction(jsonText));
        Measure(output, "v8 bare: lenOf(the message)", () => one.InvokeAsFunction(jsonText));
        Measure(output, "v8 flags only: InvokeAsFunction", () => three.InvokeAsFunction("abc"));
        using var consOnly = new Microsoft.ClearScript.V8.V8ScriptEngine(new Microsoft.ClearScript.V8.V8RuntimeConstraints { MaxOldSpaceSize = 512, MaxNewSpaceSize = 16 });
        var four = (Microsoft.ClearScript.ScriptObject)consOnly.Evaluate("(function (s) { return s.length; })");
        Measure(output, "v8 constraints only: InvokeAsFunction", () => four.InvokeAsFunction("abc"));
    }

    // What the V8 engine's sandbox does with hostile or broken code (each line: the body, then the outcome).
    private static void V8Sandbox(TextWriter output, ReadOnlyMemory<byte> json)
    {
        string[] bodies =
        [
            "while (true) {}",
            "return { topic: eval('1') };",
            "return { topic: Function('return 1')() };",
            "return { topic: (function () {}).constructor('return 1')() };",
            "return { topic: typeof EngineInternal + ',' + Object.getOwnPropertyNames(globalThis).filter(n => !/^[A-Z]/.test(n)).join(' ') };",
            "globalThis.kept = (globalThis.kept || 0) + 1; return { topic: String(globalThis.kept) };",
            "Object.prototype.kept = 1; return {};",
            "var a = []; while (true) a.push(new Array(1e6).fill(1.5));",
            "function f() { return f() + 1; } return { topic: f() };",
            "\n\n  null.x;",
            "return 42;",
        ];
        var limits = new FunctionLimits { Timeout = TimeSpan.FromMilliseconds(200) };
        foreach (var body in bodies)
        {
            var definition = new FunctionDefinition("hostile", FunctionKind.Routing, "function route(action, record, changes, metadata) {" + body + "\n}");
            var watch = Stopwatch.StartNew();
            string outcome;
            try
            {
                var entries = new List<RouteEntry>();
                var instance = V8FunctionEngine.Shared.Compile(definition, limits).CreateInstance();
                instance.InvokeRoute(new FunctionInput(json), entries);
                entries.Clear();
                instance.InvokeRoute(new FunctionInput(json), entries);
                outcome = "ok: " + string.Join(", ", entries);
            }
            catch (FunctionException e)
            {
                outcome = e.Error.Message;
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"v8 sandbox: {body.Replace("\n", " ", StringComparison.Ordinal),-70} {watch.ElapsedMilliseconds,5} ms  {outcome}"));
        }
    }

    private static void Instance(TextWriter output, ReadOnlyMemory<byte> json, MessageJsonLayout? layout, FunctionLimits limits)
    {
        var instance = JintFunctionEngine.Shared.Compile(new FunctionDefinition("probe", FunctionKind.Routing, Code), limits).CreateInstance();
        var entries = new List<RouteEntry>();
        var input = new FunctionInput(json, layout);
        Measure(output, layout is null ? "instance: InvokeRoute (scan)" : "instance: InvokeRoute (layout)", () =>
        {
            entries.Clear();
            instance.InvokeRoute(input, entries);
        });
    }

    private static (Engine Engine, JsValue Entry) Build(FunctionLimits limits, bool statements, bool memory, bool cpu, bool recursion)
    {
        var engine = new Engine(options =>
        {
            options.Strict = true;
            options.DisableStringCompilation();
            if (statements)
            {
                options.MaxStatements(limits.MaxStatements);
            }

            if (recursion)
            {
                options.LimitRecursion(limits.MaxRecursionDepth);
            }

            if (memory)
            {
                options.LimitMemory(limits.MaxAllocatedBytes);
            }

            if (cpu)
            {
                options.Constraint(new CpuTimeConstraint(limits.Timeout));
            }
        });
        engine.Execute(Code);
        return (engine, engine.GetValue("route"));
    }

    private static void Measure(TextWriter output, string name, Action call)
    {
        const int perBatch = 100;
        for (var i = 0; i < perBatch * 10; i++)
        {
            call();
        }

        var best = double.MaxValue;
        for (var batch = 0; batch < 600; batch++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < perBatch; i++)
            {
                call();
            }

            best = Math.Min(best, watch.Elapsed.TotalNanoseconds / perBatch);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < perBatch; i++)
        {
            call();
        }

        var allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)perBatch;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-45} {best,8:F0} ns {allocated,8:F0} B"));
    }
}
