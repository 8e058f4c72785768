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

BenchmarkSwitcher.FromAssembly(typeof(RoutingBenchmarks).Assembly).Run(args);
