namespace Sequin.TestServers;

/// <summary>
/// Busy-loop threads that keep cores busy while a test runs, so that timing-sensitive behaviour is checked under CPU
/// load as CI and a shared machine give it. Dispose to stop them.
/// </summary>
public sealed class CpuLoad : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Thread> _threads = [];

    /// <summary>Starts <paramref name="threads"/> busy threads (lowest priority is not asked for: the load is the point).</summary>
    public CpuLoad(int threads = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        var token = _stop.Token;
        for (var i = 0; i < threads; i++)
        {
            var thread = new Thread(() => Spin(token)) { IsBackground = true, Name = "cpu-load-" + i };
            _threads.Add(thread);
            thread.Start();
        }
    }

    /// <summary>Stops the threads and waits for them.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _stop.Dispose();
    }

    private static void Spin(CancellationToken token)
    {
        var x = 0UL;
        while (!token.IsCancellationRequested)
        {
            for (var i = 0; i < 100_000; i++)
            {
                x = (x * 6364136223846793005UL) + 1442695040888963407UL;
            }
        }

        GC.KeepAlive(x);
    }
}
