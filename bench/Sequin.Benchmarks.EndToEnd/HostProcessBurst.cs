using System.Diagnostics;
using System.Globalization;

namespace Sequin.Benchmarks.EndToEnd;

/// <summary>
/// The real <c>sequin run</c> process (the host's <c>sequin.dll</c>, a <c>sequin.yaml</c>, the stdout sink loaded from
/// the host's <c>plugins/</c> folder) over the same burst as the in-process scenarios: the time to the last line in the
/// output file, and the process's peak RSS (<c>VmHWM</c> of its <c>/proc/&lt;pid&gt;/status</c>, read before it stops).
/// </summary>
internal static class HostProcessBurst
{
    public static async Task<HostProcessResult> RunAsync(BenchOptions options, string slot, long changes, CancellationToken ct)
    {
        var host = options.HostDll ?? throw new InvalidOperationException("--host <path to sequin.dll> is required for the process scenario.");
        var output = Path.Combine(options.WorkDir, "process-sink.jsonl");
        var config = Path.Combine(options.WorkDir, "process-sequin.yaml");
        File.Delete(output);
        await File.WriteAllTextAsync(config, Yaml(options, slot, output), ct);

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { host, "run", "--config", config })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("sequin run did not start");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        _ = process.StandardOutput.ReadToEndAsync(ct);
        TimeSpan? first = null;
        long lines = 0;
        long read = 0;
        var buffer = new byte[1 << 20];
        var deadline = TimeSpan.FromMinutes(20);
        double peakMb = 0;
        double cpuSeconds = 0;
        try
        {
            while (lines < changes)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"sequin run exited ({process.ExitCode}) after {lines:N0} of {changes:N0} lines: {await stderr}");
                }

                if (watch.Elapsed > deadline)
                {
                    throw new TimeoutException($"sequin run: only {lines:N0} of {changes:N0} lines after {deadline}.");
                }

                if (File.Exists(output))
                {
                    await using var file = new FileStream(output, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    file.Seek(read, SeekOrigin.Begin);
                    int n;
                    while ((n = await file.ReadAsync(buffer, ct)) > 0)
                    {
                        read += n;
                        lines += buffer.AsSpan(0, n).Count((byte)'\n');
                    }
                }

                if (lines > 0 && first is null)
                {
                    first = watch.Elapsed;
                }

                if (lines < changes)
                {
                    await Task.Delay(5, ct);
                }
            }

            var elapsed = watch.Elapsed;
            peakMb = ReadPeakMb(process.Id);
            process.Refresh();
            cpuSeconds = process.TotalProcessorTime.TotalSeconds;
            return new HostProcessResult(elapsed, first ?? elapsed, peakMb, cpuSeconds);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }

            File.Delete(output);
        }
    }

    private static double ReadPeakMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static string Yaml(BenchOptions options, string slot, string output) => string.Create(CultureInfo.InvariantCulture, $"""
        databases:
          - name: bench
            hostname: 127.0.0.1
            port: {options.PgPort}
            database: bench
            username: postgres
            slot: {'{'} name: {slot} {'}'}
            publication: {'{'} name: {Workload.Publication} {'}'}
        sinks:
          - name: bench-process-stdout
            database: bench
            source: {'{'} include_tables: ["public.{Workload.Table}"] {'}'}
            destination:
              type: stdout
              path: "{output}"
        """);
}

/// <summary>What <see cref="HostProcessBurst"/> measured: from process start to the last line, to the first line, peak RSS and CPU.</summary>
internal sealed record HostProcessResult(TimeSpan Elapsed, TimeSpan FirstLine, double PeakRssMb, double CpuSeconds);
