using System.Diagnostics;

namespace Sequin.EndToEnd.Tests.Support;

/// <summary>
/// A named pipe (FIFO) for a sink to write into, drained by a reader that copies lines to a file at a fixed rate:
/// a consumer slower than the host, so that the host is certainly mid-stream when a test interrupts it. Once the writer
/// process is gone, <see cref="DrainAsync"/> waits until everything it wrote has been copied.
/// </summary>
public sealed class SlowPipe : IAsyncDisposable
{
    private const string ReaderScript = """
        import os, sys, time
        fifo, out, pid, rate = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
        with open(out, "a") as o:
            while True:
                with open(fifo) as f:
                    for line in f:
                        o.write(line)
                        o.flush()
                        time.sleep(1.0 / rate)
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
        """;

    private readonly string _outputPath;
    private readonly double _linesPerSecond;
    private Process? _reader;

    private SlowPipe(string pipePath, string outputPath, double linesPerSecond)
    {
        PipePath = pipePath;
        _outputPath = outputPath;
        _linesPerSecond = linesPerSecond;
    }

    public string PipePath { get; }

    public static async Task<SlowPipe> CreateAsync(string directory, string outputPath, double linesPerSecond)
    {
        var path = Path.Combine(directory, "pipe-" + Guid.NewGuid().ToString("N")[..8]);
        using var mkfifo = Process.Start("mkfifo", [path]);
        await mkfifo.WaitForExitAsync();
        Assert.Equal(0, mkfifo.ExitCode);
        return new SlowPipe(path, outputPath, linesPerSecond);
    }

    /// <summary>Starts the reader; it stops once <paramref name="writerProcessId"/> has exited and the pipe is empty.</summary>
    public void Start(int writerProcessId)
    {
        var info = new ProcessStartInfo("python3") { UseShellExecute = false, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(ReaderScript);
        info.ArgumentList.Add(PipePath);
        info.ArgumentList.Add(_outputPath);
        info.ArgumentList.Add(writerProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add(_linesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _reader = Process.Start(info) ?? throw new InvalidOperationException("python3 did not start");
    }

    /// <summary>Call after the writer has exited: copies what is left in the pipe, then the reader ends.</summary>
    public async Task DrainAsync()
    {
        var reader = _reader ?? throw new InvalidOperationException("Not started.");

        // The reader may already wait for a next writer to open the pipe: open and close it once so that it sees the
        // end of the stream, finds the writer gone and ends.
        var wake = Task.Run(() =>
        {
            using var writer = new FileStream(PipePath, FileMode.Open, FileAccess.Write);
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await reader.WaitForExitAsync(timeout.Token);
        Assert.True(reader.ExitCode == 0, "the pipe reader failed: " + await reader.StandardError.ReadToEndAsync());
        if (!wake.IsCompleted)
        {
            // The reader ended without opening the pipe again: release the opener by opening the read end.
            using var release = new FileStream(PipePath, FileMode.Open, FileAccess.Read);
        }

        await wake;
    }

    public async ValueTask DisposeAsync()
    {
        if (_reader is { HasExited: false })
        {
            _reader.Kill();
            await _reader.WaitForExitAsync();
        }

        _reader?.Dispose();
    }
}
