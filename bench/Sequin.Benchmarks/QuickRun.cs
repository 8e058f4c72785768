using System.Diagnostics;
using System.Globalization;

namespace Sequin.Benchmarks;

/// <summary>
/// Runs each benchmark of <see cref="RoutingBenchmarks"/> in batches and reports the fastest batch's time per call:
/// on a shared, busy machine the minimum is the best estimate of the uncontended cost.
/// </summary>
internal static class QuickRun
{
    /// <summary>Runs <see cref="RoutingBenchmarks.ProcessDynamic"/> (or the static one) for <paramref name="duration"/>, for a profiler.</summary>
    public static void Loop(bool dynamic, TimeSpan duration, TextWriter output)
    {
        var bench = new RoutingBenchmarks();
        bench.Setup();
        var watch = Stopwatch.StartNew();
        long calls = 0;
        while (watch.Elapsed < duration)
        {
            for (var i = 0; i < 1000; i++)
            {
                _ = dynamic ? bench.ProcessDynamic() : bench.ProcessStatic();
            }

            calls += 1000;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(dynamic ? "ProcessDynamic" : "ProcessStatic")}: {calls:N0} calls, {watch.Elapsed.TotalNanoseconds / calls:F0} ns/call"));
    }

    public static void Run(TextWriter output)
    {
        var bench = new RoutingBenchmarks();
        bench.Setup();
        (string Name, Action Call)[] cases =
        [
            ("DefaultJson", () => bench.DefaultJson()),
            ("StaticRoute", () => bench.StaticRoute()),
            ("DynamicRoute", () => bench.DynamicRoute()),
            ("ProcessStatic", () => bench.ProcessStatic()),
            ("ProcessDynamic", () => bench.ProcessDynamic()),
            ("ProcessDynamicWithTransform", () => bench.ProcessDynamicWithTransform()),
        ];
        var decodeSmall = new DecodeAndJsonBenchmarks { Blocks = 2 };
        decodeSmall.Setup();
        var decodeLarge = new DecodeAndJsonBenchmarks { Blocks = 32 };
        decodeLarge.Setup();
        cases =
        [
            .. cases,
            ("DecodeTuple (200 B row)", () => decodeSmall.DecodeTuple()),
            ("WriteJson (200 B row)", () => decodeSmall.WriteJson()),
            ("DecodeTuple (1.6 KB row)", () => decodeLarge.DecodeTuple()),
            ("WriteJson (1.6 KB row)", () => decodeLarge.WriteJson()),
        ];
        foreach (var (name, call) in cases)
        {
            const int perBatch = 100;
            for (var i = 0; i < perBatch; i++)
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

            var before = GC.GetTotalAllocatedBytes(precise: true); // the whole process: function calls run on their own thread
            for (var i = 0; i < perBatch; i++)
            {
                call();
            }

            var allocated = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)perBatch;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-30} {best,10:F0} ns/call (fastest of 600 batches of {perBatch}) {allocated,8:F0} B/call"));
        }

        // The consumer stage: each round pushes 10,000 changes through to acknowledgement; fastest of 20 rounds.
        foreach (var batchSize in new[] { 100, 1000 })
        {
            var batching = new BatchingBenchmarks { BatchSize = batchSize };
            batching.Setup();
            var best = double.MaxValue;
            for (var round = 0; round < 22; round++)
            {
                var watch = Stopwatch.StartNew();
                batching.EnqueueToAck().GetAwaiter().GetResult();
                if (round >= 2)
                {
                    best = Math.Min(best, watch.Elapsed.TotalNanoseconds / 10_000);
                }
            }

            batching.Cleanup();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"EnqueueToAck (batch " + batchSize + ")",-30} {best,10:F0} ns/change (fastest of 20 rounds of 10,000)"));
        }
    }
}
