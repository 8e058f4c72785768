using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Sequin.Backfills;
using Sequin.Configuration;
using Sequin.Hosting;

namespace Sequin.Benchmarks.EndToEnd;

/// <summary>One backfill measurement: rows/s of a sink against <c>COPY (SELECT ...) TO STDOUT</c> of the same table in the same run.</summary>
internal sealed record BackfillResult(string Sink, long Rows, TimeSpan Elapsed, double RowsPerSecond, double CopyRowsPerSecond, double PeakRssMb, double CpuSeconds, double AllocatedBytesPerRow, string Gcs)
{
    /// <summary>The ratio to COPY of every round, in order (the reported round is the median one).</summary>
    public IReadOnlyList<double> Ratios { get; init; } = [];
}

/// <summary>
/// Backfill throughput: a table of <c>--backfill-rows</c> rows (~200 B), read once by <c>COPY (SELECT * ...) TO STDOUT</c>
/// (the fastest way PostgreSQL hands out a table's rows), then backfilled into each sink (null; Kafka when configured)
/// with the default backfill options: from the backfill's creation to the sink's acknowledgement of the last read.
/// Each sink runs <c>--backfill-rounds</c> rounds of COPY then backfill, and the round with the median ratio is reported:
/// on this shared machine COPY alone ranged from 260,000 to 450,000 rows/s within minutes, so one pair was too noisy.
/// </summary>
internal static class BackfillBench
{
    public static async Task<List<BackfillResult>> RunAsync(BenchOptions options, ISinkPluginCatalog plugins, NpgsqlDataSource db, CancellationToken ct)
    {
        var rows = options.BackfillRows;
        await Workload.ResetAsync(db, (int)rows, 2, ct);
        var results = new List<BackfillResult>();
        var sinks = options.Kafka is null ? new[] { "null" } : ["null", "kafka"];
        var warmFrom = await Workload.ScalarAsync<long>(db, $"SELECT max(id) - {Math.Min(200_000, rows / 2)} FROM {Workload.Table}", ct);
        foreach (var sink in sinks)
        {
            // Warm-up, not reported: a partial backfill of the last 200,000 rows (half the table when smaller), so that the
            // measured one runs JIT-compiled (tier-1) code as a long-running host does. 30,000 rows were too few: profiles of
            // the measured run still showed the partition loop and the JSON writer at tier 0 and in PGO's instrumented tier,
            // and the JIT at ~11 % of the process's CPU.
            var warm = new BackfillRequest("public." + Workload.Table, BackfillKind.Partial, "id", warmFrom.ToString(CultureInfo.InvariantCulture));
            var warmRows = await Workload.ScalarAsync<long>(db, $"SELECT count(*) FROM {Workload.Table} WHERE id >= {warmFrom}", ct);
            var warmed = await BackfillOnceAsync(options, plugins, db, sink, warm, warmRows, ct);
            Log($"warm-up backfill into {sink}: {warmed.RowsPerSecond:N0} rows/s (not reported)");

            // COPY right before each backfill, so that each ratio compares two reads made seconds apart on a shared machine.
            await CopyAsync(db, ct); // warms the cache as the backfill's first pages will find it
            var rounds = new List<BackfillResult>();
            for (var round = 1; round <= options.BackfillRounds; round++)
            {
                var copy = await CopyAsync(db, ct);
                var copyRate = rows / copy.TotalSeconds;
                Log($"COPY (SELECT * FROM {Workload.Table}) TO STDOUT: {copy.TotalSeconds:F2} s = {copyRate:N0} rows/s");
                var result = await BackfillOnceAsync(options, plugins, db, sink, new BackfillRequest("public." + Workload.Table, BackfillKind.Full), rows, ct);
                result = result with { CopyRowsPerSecond = copyRate };
                rounds.Add(result);
                Log($"backfill into {sink} (round {round}): {result.Elapsed.TotalSeconds:F2} s = {result.RowsPerSecond:N0} rows/s, {result.RowsPerSecond / copyRate:P0} of COPY, peak RSS {result.PeakRssMb:N0} MB, CPU {result.CpuSeconds:F1} s, {result.AllocatedBytesPerRow:N0} B allocated per row, GCs {result.Gcs}");
            }

            var ratios = rounds.Select(r => r.RowsPerSecond / r.CopyRowsPerSecond).ToList();
            var median = rounds.OrderBy(r => r.RowsPerSecond / r.CopyRowsPerSecond).ElementAt(rounds.Count / 2);
            results.Add(median with { Ratios = ratios });
        }

        return results;
    }

    private static async Task<TimeSpan> CopyAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var watch = Stopwatch.StartNew();
        using (var copy = await connection.BeginTextExportAsync($"COPY (SELECT * FROM {Workload.Table}) TO STDOUT", ct))
        {
            var buffer = new char[1 << 16];
            while (await copy.ReadAsync(buffer, ct) > 0)
            {
            }
        }

        return watch.Elapsed;
    }

    private static async Task<BackfillResult> BackfillOnceAsync(BenchOptions options, ISinkPluginCatalog plugins, NpgsqlDataSource db, string sink, BackfillRequest request, long rows, CancellationToken ct)
    {
        var slot = "s_backfill_" + sink;
        await Workload.ExecAsync(db, $"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{slot}'", ct);
        await Workload.ExecAsync(db, $"SELECT pg_create_logical_replication_slot('{slot}', 'pgoutput')", ct);
        await Workload.ExecAsync(db, "DROP SCHEMA IF EXISTS sequin_state CASCADE", ct);
        var config = BenchConfig.Build(options, plugins, new Scenario("backfill " + sink, sink, Dynamic: false), slot, null);
        var runtimeOptions = new SequinRuntimeOptions();
        runtimeOptions.Backfills.PollInterval = TimeSpan.FromMilliseconds(20);
        var runtime = new SequinRuntime(config, EmptyServices.Instance, StderrLoggerFactory.Instance, options: runtimeOptions);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => runtime.RunAsync(stop.Token), ct);
        while (runtime.Consumers.Count == 0 || await Workload.ScalarAsync<long>(db, $"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{slot}' AND active", ct) == 0)
        {
            await ThrowIfStoppedAsync(run);
            await Task.Delay(20, ct);
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var rssReset = Memory.ResetPeak();
        using var sampler = new RssSampler();
        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var allocatedStart = GC.GetTotalAllocatedBytes(precise: false);
        int[] gcStart = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var consumer = runtime.Consumers.Single();
        await using var store = new BackfillStore(config.Databases[0].BuildConnectionString());
        var watch = Stopwatch.StartNew();
        await store.CreateAsync(consumer.Name, request, ct);
        while (consumer.DeliveredMessages < rows)
        {
            await ThrowIfStoppedAsync(run);
            if (watch.Elapsed > TimeSpan.FromMinutes(20))
            {
                throw new TimeoutException($"backfill into {sink}: only {consumer.DeliveredMessages:N0} of {rows:N0} delivered.");
            }

            await Task.Delay(5, ct);
        }

        var elapsed = watch.Elapsed;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
        var peak = rssReset ? Memory.PeakRssMb() : sampler.PeakMb;
        var allocated = (GC.GetTotalAllocatedBytes(precise: false) - allocatedStart) / (double)rows;
        var gcs = string.Create(CultureInfo.InvariantCulture, $"{GC.CollectionCount(0) - gcStart[0]}/{GC.CollectionCount(1) - gcStart[1]}/{GC.CollectionCount(2) - gcStart[2]}");
        await stop.CancelAsync();
        await run;
        await Workload.ExecAsync(db, $"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{slot}'", ct);
        return new BackfillResult(sink, rows, elapsed, rows / elapsed.TotalSeconds, 0, peak, cpu, allocated, gcs);
    }

    private static async Task ThrowIfStoppedAsync(Task run)
    {
        if (run.IsCompleted)
        {
            await run;
            throw new InvalidOperationException("The runtime stopped during the backfill benchmark.");
        }
    }

    private static void Log(string message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.Now:HH:mm:ss}] {message}"));
}
