using System.Diagnostics;
using System.Globalization;
using System.Text;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Sequin.Functions;
using Sequin.Functions.Engines;
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
