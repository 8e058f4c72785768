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

    /// <summary>
    /// The CPU clock of the calling thread, which any thread can read with <see cref="Read"/> while the calling thread
    /// lives (a watchdog timer measuring the CPU time of the call it guards); null where thread clocks are unsupported.
    /// </summary>
    public static int? CurrentThreadClock()
    {
        if (!IsSupported)
        {
            return null;
        }

        try
        {
            return PthreadGetCpuClockId(PthreadSelf(), out var clock) == 0 ? clock : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The CPU time in nanoseconds on <paramref name="clock"/> (from <see cref="CurrentThreadClock"/>), or null once its thread is gone.</summary>
    public static long? Read(int clock) =>
        ClockGetTime(clock, out var time) == 0 ? (time.Seconds * 1_000_000_000L) + time.Nanoseconds : null;

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

    [LibraryImport("libc", EntryPoint = "pthread_self")]
    private static partial nuint PthreadSelf();

    [LibraryImport("libc", EntryPoint = "pthread_getcpuclockid")]
    private static partial int PthreadGetCpuClockId(nuint thread, out int clock);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
