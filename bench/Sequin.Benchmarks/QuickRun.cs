using System.Diagnostics;
using System.Globalization;

namespace Sequin.Benchmarks;

/// <summary>
/// Runs each benchmark of <see cref="RoutingBenchmarks"/> in batches and reports the fastest batch's time per call:
/// on a shared, busy machine the minimum is the best estimate of the uncontended cost.
/// </summary>
internal static class QuickRun
{
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

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-30} {best,10:F0} ns/call (fastest of 600 batches of {perBatch})"));
        }
    }
}
