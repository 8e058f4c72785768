using BenchmarkDotNet.Running;
using Sequin.Benchmarks;

if (args.Length > 0 && args[0] == "quick")
{
    // A quick, contention-tolerant estimate: the fastest of many batches, per call.
    // On a large-stack thread, as the runtime's worker partitions: function calls run inline (no thread switch).
    Sequin.Functions.Engines.LargeStackThread.Run(() => QuickRun.Run(Console.Out), "quick-run").GetAwaiter().GetResult();
    return;
}

if (args.Length > 0 && args[0] == "probe")
{
    // Where the time of one dynamic routing call goes (arguments, the call, each constraint).
    Sequin.Functions.Engines.LargeStackThread.Run(() => FunctionProbe.Run(Console.Out), "probe").GetAwaiter().GetResult();
    return;
}

if (args.Length > 0 && args[0] == "loop")
{
    // One processing step in a loop for a profiler to sample: loop [static|dynamic] [seconds], e.g. under
    // `dotnet-trace collect --profile cpu-sampling -- dotnet Sequin.Benchmarks.dll loop dynamic 20`.
    var dynamic = args.Length < 2 || args[1] != "static";
    var seconds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20;
    Sequin.Functions.Engines.LargeStackThread.Run(() => QuickRun.Loop(dynamic, TimeSpan.FromSeconds(seconds), Console.Out), "loop").GetAwaiter().GetResult();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(RoutingBenchmarks).Assembly).Run(args);
