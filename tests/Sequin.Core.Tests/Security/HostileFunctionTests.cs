using System.Diagnostics;
using System.Text;
using Jint.Native;
using Jint.Runtime.Interop;
using Sequin.Core.Tests.Routing.Support;
using Sequin.Functions;
using Sequin.Functions.Engines;
using Sequin.Routing;
using Sequin.TestServers;
using Xunit.Abstractions;
using static Sequin.Core.Tests.Functions.JintFunctionEngineTests;

namespace Sequin.Core.Tests.Security;

/// <summary>
/// The attack suite: every probe an attacker sent against the function sandbox (issue 29), each of which must fail its
/// own call within the limits and leave the engine, its thread and the process as they were. A probe that would hang on
/// a broken sandbox runs under a test timeout, so that the test fails instead of hanging.
/// </summary>
[Collection(HostileFunctionCollection.Name)]
public sealed class HostileFunctionTests(ITestOutputHelper output)
{
    private const string AtomicsProbe = "const ia = new Int32Array(new SharedArrayBuffer(16));\nAtomics.wait(ia, 0, 0);";

    private const string NestedArrayProbe = "let a = [];\nfor (let i = 0; i < 12000; i++) { a = [[[[[[[[[[[[[[[a]]]]]]]]]]]]]]]; }\n";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void SharedArrayBufferAndAtomicsAreUndefined()
    {
        var instance = Instance(new FunctionDefinition("globals", FunctionKind.Filter, """
            function filter() {
              return typeof SharedArrayBuffer === "undefined" && typeof Atomics === "undefined"
                && !("SharedArrayBuffer" in globalThis) && !("Atomics" in globalThis);
            }
            """));

        Assert.True(instance.InvokeFilter(Input(Some.Message())));
    }

    [Fact]
    public async Task AtomicsWaitInACallFailsThatCallAtOnce()
    {
        var instance = Instance(Some.Route("if (record.house === 'Harkonnen') {\n" + AtomicsProbe + "\n}\nreturn { topic: 'ok' };"));

        var error = await Task.Run(() => Assert.Throws<FunctionException>(() => instance.InvokeRoute(Input(Some.Message(house: "Harkonnen")), []))).WaitAsync(ProbeTimeout);
        var output = new List<RouteEntry>();
        instance.InvokeRoute(Input(Some.Message()), output);

        Assert.Contains("ReferenceError", error.Message, StringComparison.Ordinal);
        Assert.Contains("SharedArrayBuffer", error.Message, StringComparison.Ordinal);
        Assert.Equal([new RouteEntry("topic", RouteValueKind.String, "ok")], output);
    }

    [Fact]
    public async Task AtomicsWaitAtTheTopLevelFailsValidationInsteadOfHangingIt()
    {
        var function = new FunctionDefinition("hang-at-load", FunctionKind.Routing, AtomicsProbe + "\nfunction route() { return { topic: 'x' }; }");

        var errors = await Task.Run(() => FunctionValidator.Validate(function)).WaitAsync(ProbeTimeout);

        var error = Assert.Single(errors);
        Assert.Contains("ReferenceError", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Theory]
    [InlineData("String(a)")]
    [InlineData("`${a}`")]
    [InlineData("a + ''")]
    [InlineData("a.join()")]
    [InlineData("a.toString()")]
    [InlineData("a.toLocaleString()")]
    [InlineData("JSON.stringify(a)")]
    public async Task ConvertingDeeplyNestedArraysFailsItsOwnCallWithinTheLimit(string conversion)
    {
        var instance = Instance(Some.Route(NestedArrayProbe + "return { topic: " + conversion + " };"), Some.Limits);
        var stopwatch = Stopwatch.StartNew();

        var error = await Task.Run(() => Assert.Throws<FunctionException>(() => instance.InvokeRoute(Input(Some.Message()), []))).WaitAsync(ProbeTimeout);

        // The nesting guard stops it (32 levels; JSON.stringify's own at 256) long before the CPU limit (1 s here). On
        // main, String(a) took 5.5 s of CPU.
        Assert.Contains("RangeError", error.Message, StringComparison.Ordinal);
        Assert.Contains(conversion.StartsWith("JSON", StringComparison.Ordinal) ? "nested more than 256 levels deep" : "nested more than 32 levels deep", error.Message, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void ShallowNestedAndCyclicArraysStillConvert()
    {
        var instance = Instance(Some.Transform("""
            const cyclic = [1, 2];
            cyclic.push(cyclic);
            let deep = ["x"];
            for (let i = 0; i < 30; i++) { deep = [deep]; }
            return { joined: [[1, 2], [3, [4]]].join(";"), text: String([[1], [2, [3]]]), cyclic: String(cyclic), deep: String(deep), local: [1, [2]].toLocaleString() };
            """));

        var json = Encoding.UTF8.GetString(instance.InvokeTransform(Input(Some.Message())));

        Assert.Equal("{\"joined\":\"1,2;3,4\",\"text\":\"1,2,3\",\"cyclic\":\"1,2,\",\"deep\":\"x\",\"local\":\"1,2\"}", json);
    }

    [Fact]
    public void ValidationRejectsTheNestedArrayProbeAtLoad()
    {
        var probe = NestedArrayProbe.Replace("12000", "1000", StringComparison.Ordinal) + "String(a);\nfunction route() { return { topic: 'x' }; }";

        var errors = FunctionValidator.Validate(new FunctionDefinition("nested", FunctionKind.Routing, probe));

        var error = Assert.Single(errors);
        Assert.Contains("nested more than 32 levels deep", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public async Task ABlockedCallIsAbandonedAtTheWallClockLimitAndTheNextCallGetsAFreshEngine()
    {
        var limits = Some.Limits with { WallClockTimeout = TimeSpan.FromMilliseconds(300) };
        using var never = new ManualResetEventSlim(false);
        var instance = Blocking(Some.Route("if (record.house === 'Harkonnen') {\n  block();\n}\nreturn { topic: record.house };"), limits, never);
        var stopwatch = Stopwatch.StartNew();

        var error = await Task.Run(() => Assert.Throws<FunctionException>(() => instance.InvokeRoute(Input(Some.Message(house: "Harkonnen")), []))).WaitAsync(ProbeTimeout);
        var elapsed = stopwatch.Elapsed;
        var output = new List<RouteEntry>();
        instance.InvokeRoute(Input(Some.Message()), output);

        Assert.Equal("Routing function 'my-route' did not return within the wall-clock limit of 300 ms and was abandoned by the watchdog (blocked, or stuck inside a built-in where no other limit is checked); its engine was discarded (line 3, column 2)", error.Message);
        Assert.Equal(3, error.Error.Line);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(300), $"abandoned after {elapsed}");
        Assert.Equal([new RouteEntry("topic", RouteValueKind.String, "Atreides")], output);
    }

    [Fact]
    public async Task ATopLevelThatBlocksFailsTheLoadAfterTheLoadLimit()
    {
        using var never = new ManualResetEventSlim(false);
        var compiled = (JintCompiledFunction)JintFunctionEngine.Shared.Compile(new FunctionDefinition("blocks-at-load", FunctionKind.Routing, "block();\nfunction route() { return { topic: 'x' }; }"), Some.Limits);
        compiled.EngineSetupForTests = engine => engine.SetValue("block", new ClrFunction(engine, "block", (_, _) => { never.Wait(); return JsValue.Undefined; }));

        var error = await Task.Run(() => Assert.Throws<FunctionException>(compiled.CreateInstance)).WaitAsync(ProbeTimeout);

        Assert.Contains("was abandoned by the watchdog", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{FunctionLimits.LoadWallClockTimeout.TotalMilliseconds} ms", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Error.Line);
    }

    [Fact]
    public async Task AThousandHostileCallsLeaveTheThreadCountFlat()
    {
        var limits = Some.Limits with { Timeout = TimeSpan.FromMilliseconds(20), WallClockTimeout = TimeSpan.FromMilliseconds(50) };
        using var never = new ManualResetEventSlim(false);
        var probes = new[]
        {
            Some.Route("block();\nreturn { topic: 'x' };"),
            Some.Route(AtomicsProbe + "\nreturn { topic: 'x' };"),
            Some.Route(NestedArrayProbe.Replace("12000", "40", StringComparison.Ordinal) + "return { topic: String(a) };"),
            Some.Route("while (true) {}"),
        };

        // Warm up (the first engine compiles much of Jint) and let the threads of earlier tests settle.
        RunHostile(Blocking(probes[1], limits, never), 1);
        var before = await SettledThreadCountAsync();

        var stopwatch = Stopwatch.StartNew();
        const int Workers = 4;
        const int CallsPerWorker = 250;
        var failures = await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() =>
        {
            var instances = probes.Select(p => Blocking(p, limits, never)).ToArray();
            var failed = 0;
            for (var i = 0; i < CallsPerWorker; i++)
            {
                failed += RunHostile(instances[(i + w) % instances.Length], 1);
            }

            foreach (var instance in instances)
            {
                ((IDisposable)instance).Dispose();
            }

            return failed;
        }))).WaitAsync(TimeSpan.FromMinutes(5));
        var afterCalls = ThreadCount();

        Assert.Equal(Workers * CallsPerWorker, failures.Sum());
        var after = 0;
        await Eventually.UntilAsync(
            () => (after = ThreadCount()) <= before + 4,
            () => $"the thread count ({after}) is back to where it was before the 1,000 hostile calls ({before})",
            TimeSpan.FromSeconds(60));
        output.WriteLine($"threads before: {before}, right after the calls: {afterCalls}, settled: {after}; calls took {stopwatch.Elapsed}");
    }

    [Fact]
    public void TheEndlessLoopErrorNamesTheLine()
    {
        var instance = Instance(Some.Filter("let n = 0;\nwhile (true) {\n  n++;\n}"), new FunctionLimits { Timeout = TimeSpan.FromMilliseconds(50), MaxStatements = int.MaxValue });

        var error = Assert.Throws<FunctionException>(() => instance.InvokeFilter(Input(Some.Message())));

        Assert.Contains("exceeded the time limit of 50 ms of CPU time", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Error.Line);
        Assert.InRange(error.Error.Line!.Value, 2, 4);
    }

    [Fact]
    public void TheStatementLimitErrorNamesTheLine()
    {
        var instance = Instance(Some.Filter("let n = 0;\nwhile (true) {\n  n++;\n}"), Some.Limits with { MaxStatements = 1000 });

        var error = Assert.Throws<FunctionException>(() => instance.InvokeFilter(Input(Some.Message())));

        Assert.Contains("statement limit", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Error.Line);
    }

    [Theory]
    [InlineData(FunctionKind.Routing, "const route = (action, record, changes, metadata) => {\n  return { topic: record.house };\n};")]
    [InlineData(FunctionKind.Routing, "let route = (action, record) => ({ topic: record.house });")]
    [InlineData(FunctionKind.Routing, "var route = function (action, record) { return { topic: record.house }; };")]
    [InlineData(FunctionKind.Routing, "const route = function named(action, record) { return { topic: record.house }; };")]
    [InlineData(FunctionKind.Filter, "const filter = (action, record) => record.house === 'Atreides';")]
    [InlineData(FunctionKind.Transform, "const transform = (action, record) => ({ topic: record.house });")]
    public void AnEntryPointBoundToAFunctionExpressionIsAccepted(FunctionKind kind, string code)
    {
        var definition = new FunctionDefinition("modern-" + kind.ToString().ToLowerInvariant(), kind, code);

        Assert.Empty(FunctionValidator.Validate(definition));
        var instance = Instance(definition);
        var input = Input(Some.Message());
        switch (kind)
        {
            case FunctionKind.Filter:
                Assert.True(instance.InvokeFilter(input));
                break;
            case FunctionKind.Transform:
                Assert.Equal("{\"topic\":\"Atreides\"}", Encoding.UTF8.GetString(instance.InvokeTransform(input)));
                break;
            default:
                var output = new List<RouteEntry>();
                instance.InvokeRoute(input, output);
                Assert.Equal([new RouteEntry("topic", RouteValueKind.String, "Atreides")], output);
                break;
        }
    }

    [Fact]
    public void AnEntryPointThatIsNotAFunctionIsStillRefused()
    {
        var errors = FunctionValidator.Validate(new FunctionDefinition("not-fn", FunctionKind.Routing, "const route = 42;"));

        Assert.Contains("must declare function route", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRoutingTrialFailsAHostileFunctionWithinTheLimits()
    {
        // What `sequin functions test` and the routing editor's POST /api/routing/run run.
        var options = Some.DynamicOptions(Some.Route("if (record.house === 'Harkonnen') {\n" + AtomicsProbe + "\n}\nreturn { topic: 'ok' };"));

        var trial = await Task.Run(() => RoutingTrial.Run(options, Some.Message(house: "Harkonnen"), messageGrouping: true)).WaitAsync(ProbeTimeout);

        Assert.Equal(RoutingTrialOutcome.Failed, trial.Outcome);
        Assert.Contains("ReferenceError", trial.Error, StringComparison.Ordinal);
    }

    private static IFunctionInstance Blocking(FunctionDefinition definition, FunctionLimits limits, ManualResetEventSlim never)
    {
        var compiled = (JintCompiledFunction)JintFunctionEngine.Shared.Compile(definition, limits);

        // Stands for any built-in that blocks without using CPU (as Atomics.wait did): no limit Jint checks can stop it.
        compiled.EngineSetupForTests = engine => engine.SetValue("block", new ClrFunction(engine, "block", (_, _) =>
        {
            never.Wait();
            return JsValue.Undefined;
        }));
        return compiled.CreateInstance();
    }

    private static int RunHostile(IFunctionInstance instance, int calls)
    {
        var failed = 0;
        for (var i = 0; i < calls; i++)
        {
            try
            {
                instance.InvokeRoute(Input(Some.Message()), []);
            }
            catch (FunctionException)
            {
                failed++;
            }
        }

        return failed;
    }

    private static int ThreadCount()
    {
        using var process = Process.GetCurrentProcess();
        return process.Threads.Count;
    }

    private static async Task<int> SettledThreadCountAsync()
    {
        // The lowest count seen over a short while: threads of tests that ran before may still be exiting.
        var lowest = ThreadCount();
        var stable = 0;
        await Eventually.UntilAsync(
            () =>
            {
                var now = ThreadCount();
                stable = now >= lowest ? stable + 1 : 0;
                lowest = Math.Min(lowest, now);
                return stable >= 10;
            },
            () => "the thread count settles",
            TimeSpan.FromSeconds(60));
        return lowest;
    }
}

/// <summary>Runs the attack suite alone: it counts the process's threads.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostileFunctionCollection
{
    public const string Name = "Hostile functions (thread count)";
}
