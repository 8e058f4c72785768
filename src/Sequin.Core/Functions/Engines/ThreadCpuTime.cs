using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Sequin.Functions.Engines;

/// <summary>
/// The CPU time the calling thread has consumed, so that a function's time limit counts only its own work: a call
/// whose thread is descheduled (a loaded machine, a garbage collection on another thread) does not time out.
/// </summary>
internal static partial class ThreadCpuTime
{
    private const int ClockThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID on Linux

    /// <summary>Whether the thread's CPU time can be read here (Linux); elsewhere <see cref="Now"/> is wall time.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && Probe();

    /// <summary>The calling thread's CPU time in nanoseconds (or a wall-clock reading where unsupported).</summary>
    public static long Now()
    {
        if (IsSupported && ClockGetTime(ClockThreadCpuTimeId, out var time) == 0)
        {
            return (time.Seconds * 1_000_000_000L) + time.Nanoseconds;
        }

        return (long)(Stopwatch.GetTimestamp() * (1_000_000_000.0 / Stopwatch.Frequency));
    }

    private static bool Probe()
    {
        try
        {
            return ClockGetTime(ClockThreadCpuTimeId, out _) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
