using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Sequin.Benchmarks.NullSink;
using Sequin.Configuration;
using Sequin.Hosting;

namespace Sequin.Benchmarks.EndToEnd;

internal sealed record BurstResult(TimeSpan Elapsed, TimeSpan FirstDelivery, double PeakRssMb, double CpuSeconds, double AverageBatch, double AllocatedPerChange, int Gen0, int Gen1, int Gen2);

internal sealed record LatencyResult(int Seconds, long Sent, int Samples, double P50Ms, double P90Ms, double P99Ms, double MaxMs, double AchievedRate);

/// <summary>The ceiling: pg_recvlogical with pgoutput reading the same WAL on its own slot, output to /dev/null.</summary>
internal static class Ceiling
{
    public static async Task<TimeSpan> RunAsync(BenchOptions options, string endLsn, string slot, CancellationToken ct)
    {
        var info = new ProcessStartInfo(Path.Combine(options.PgBin, "pg_recvlogical"))
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "-d", $"host=127.0.0.1 port={options.PgPort} dbname=bench user=postgres", "--slot", slot, "--start",
                     "-o", "proto_version=1", "-o", "publication_names=" + Workload.Publication, "--endpos", endLsn,
                     "--no-loop", "-f", "/dev/null",
                 })
        {
            info.ArgumentList.Add(arg);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("pg_recvlogical did not start");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(15));
        await process.WaitForExitAsync(timeout.Token);
        var elapsed = watch.Elapsed;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_recvlogical failed ({process.ExitCode}): {await stderr}");
        }

        return elapsed;
    }
}

/// <summary>One burst: start the runtime on a slot holding the pre-written WAL, stop when every change is acknowledged by the sink.</summary>
internal static class Burst
{
    public static async Task<BurstResult> RunAsync(BenchOptions options, ISinkPluginCatalog plugins, Scenario scenario, string slot, long changes, CancellationToken ct)
    {
        var stdoutPath = Path.Combine(options.WorkDir, "stdout-sink.jsonl");
        File.Delete(stdoutPath);
        var config = BenchConfig.Build(options, plugins, scenario, slot, stdoutPath);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var rssReset = Memory.ResetPeak();
        using var sampler = new RssSampler();
        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var allocatedStart = GC.GetTotalAllocatedBytes(precise: false);
        int[] gcStart = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];

        var runtime = new SequinRuntime(config, EmptyServices.Instance, StderrLoggerFactory.Instance);
        using var stop = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        var run = Task.Run(() => runtime.RunAsync(stop.Token), ct);
        TimeSpan? first = null;
        var deadline = TimeSpan.FromMinutes(20);
        while (true)
        {
            if (run.IsCompleted)
            {
                await run; // throws the failure
                throw new InvalidOperationException("The runtime stopped before delivering every change.");
            }

            var delivered = runtime.Consumers.Sum(c => c.DeliveredMessages);
            if (delivered > 0 && first is null)
            {
                first = watch.Elapsed;
            }

            if (delivered >= changes)
            {
                break;
            }

            if (watch.Elapsed > deadline)
            {
                throw new TimeoutException($"{scenario.Label}: only {delivered:N0} of {changes:N0} delivered after {deadline}.");
            }

            await Task.Delay(5, ct);
        }

        var elapsed = watch.Elapsed;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
        var allocated = (GC.GetTotalAllocatedBytes(precise: false) - allocatedStart) / (double)changes;
        int[] gcs = [GC.CollectionCount(0) - gcStart[0], GC.CollectionCount(1) - gcStart[1], GC.CollectionCount(2) - gcStart[2]];
        var peak = rssReset ? Memory.PeakRssMb() : sampler.PeakMb;
        var failed = runtime.Consumers.Sum(c => c.FailedAttempts);
        var batches = runtime.Consumers.Sum(c => c.DeliveredBatches);
        var averageBatch = batches == 0 ? 0 : (double)runtime.Consumers.Sum(c => c.DeliveredMessages) / batches;
        await stop.CancelAsync();
        await run;
        if (failed > 0)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  note: {failed} failed delivery attempts (retried)"));
        }

        File.Delete(stdoutPath);
        return new BurstResult(elapsed, first ?? elapsed, peak, cpu, averageBatch, allocated, gcs[0], gcs[1], gcs[2]);
    }
}

/// <summary>Latency under a steady load: the null sink records commit timestamp to acknowledgement per message.</summary>
internal static class Latency
{
    public static async Task<LatencyResult> RunAsync(BenchOptions options, ISinkPluginCatalog plugins, NpgsqlDataSource db, double rate, CancellationToken ct)
    {
        const string slot = "s_latency";
        await Workload.ExecAsync(db, $"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{slot}'", ct);
        await Workload.ExecAsync(db, $"SELECT pg_create_logical_replication_slot('{slot}', 'pgoutput')", ct);
        var config = BenchConfig.Build(options, plugins, new Scenario("latency", "null", Dynamic: false), slot, null);
        var runtime = new SequinRuntime(config, EmptyServices.Instance, StderrLoggerFactory.Instance);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => runtime.RunAsync(stop.Token), ct);
        while (runtime.Consumers.Count == 0)
        {
            await Task.Delay(20, ct);
        }

        // Warm-up: 3 s at the same rate, not recorded.
        var warm = await DriveAsync(db, rate, TimeSpan.FromSeconds(3), ct);
        await WaitDeliveredAsync(runtime, warm, ct);
        LatencyRecorder.Start(capacity: (int)Math.Min(rate * options.LatencySeconds * 2, 50_000_000));
        var before = runtime.Consumers.Sum(c => c.DeliveredMessages);
        var watch = Stopwatch.StartNew();
        var sent = await DriveAsync(db, rate, TimeSpan.FromSeconds(options.LatencySeconds), ct);
        var achieved = sent / watch.Elapsed.TotalSeconds;
        await WaitDeliveredAsync(runtime, before + sent, ct);
        var samples = LatencyRecorder.Stop();
        await stop.CancelAsync();
        await run;
        await Workload.ExecAsync(db, $"SELECT pg_drop_replication_slot('{slot}')", ct);

        Array.Sort(samples);
        double Pct(double p) => samples.Length == 0 ? double.NaN : samples[Math.Min(samples.Length - 1, (int)(p * samples.Length))] / 1000.0;
        return new LatencyResult(options.LatencySeconds, sent, samples.Length, Pct(0.50), Pct(0.90), Pct(0.99), samples.Length == 0 ? double.NaN : samples[^1] / 1000.0, achieved);
    }

    /// <summary>One transaction every 10 ms, sized to keep the average at <paramref name="rate"/> changes/s.</summary>
    private static async Task<long> DriveAsync(NpgsqlDataSource db, double rate, TimeSpan duration, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("CALL bench_workload($1, $1::int, 2)", conn);
        var p = new NpgsqlParameter<long> { TypedValue = 0 };
        cmd.Parameters.Add(p);
        await cmd.PrepareAsync(ct);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        var watch = Stopwatch.StartNew();
        long sent = 0;
        while (watch.Elapsed < duration && await timer.WaitForNextTickAsync(ct))
        {
            var due = (long)(rate * watch.Elapsed.TotalSeconds) - sent;
            if (due <= 0)
            {
                continue;
            }

            due = Math.Min(due, (long)Math.Max(rate / 10, 10));
            p.TypedValue = due;
            await cmd.ExecuteNonQueryAsync(ct);
            sent += due;
        }

        return sent;
    }

    private static async Task WaitDeliveredAsync(SequinRuntime runtime, long target, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        while (runtime.Consumers.Sum(c => c.DeliveredMessages) < target)
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException("Latency run: changes not delivered within 5 minutes.");
            }

            await Task.Delay(5, ct);
        }
    }
}

/// <summary>Peak resident set of this process: VmHWM from /proc/self/status, reset through /proc/self/clear_refs.</summary>
internal static class Memory
{
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static double PeakRssMb()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}

/// <summary>Fallback when the peak cannot be reset: samples the working set every 50 ms.</summary>
internal sealed class RssSampler : IDisposable
{
    private readonly Timer _timer;
    private long _peak;

    public RssSampler() => _timer = new Timer(_ => Sample(), null, 0, 50);

    public double PeakMb => Interlocked.Read(ref _peak) / 1048576.0;

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        using var self = Process.GetCurrentProcess();
        var ws = self.WorkingSet64;
        long current;
        while (ws > (current = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, ws, current) != current)
        {
        }
    }
}
