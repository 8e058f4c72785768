using BenchmarkDotNet.Running;
using Sequin.Benchmarks;

if (args.Length > 0 && args[0] == "quick")
{
    // A quick, contention-tolerant estimate: the fastest of many batches, per call.
    QuickRun.Run(Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(RoutingBenchmarks).Assembly).Run(args);
