using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Sequin.Benchmarks.RoutingBenchmarks).Assembly).Run(args);
