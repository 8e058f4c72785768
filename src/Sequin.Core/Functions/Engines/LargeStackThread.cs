namespace Sequin.Functions.Engines;

/// <summary>
/// Threads with a stack large enough to run user functions on directly (<see cref="StackSize"/>). A function instance
/// called from one runs the call inline; called from any other thread (the thread pool's 1.5 MB stacks), it hands the
/// call to its own <see cref="FunctionThread"/>, which costs a thread switch per call. The worker partitions run their
/// loop on one, so that the runtime's calls never switch.
/// </summary>
internal static class LargeStackThread
{
    /// <summary>The stack reserved for such a thread: 256 MB of address space, committed only as far as it is used.</summary>
    public const int StackSize = 256 * 1024 * 1024;

    // Set once by each large-stack thread for itself, never reset: a property of the thread, not shared state.
    [ThreadStatic]
    private static bool t_isLarge;

    /// <summary>Whether the calling thread was started here (and so has a <see cref="StackSize"/> stack).</summary>
    public static bool IsCurrent => t_isLarge;

    /// <summary>Starts a background thread with a <see cref="StackSize"/> stack running <paramref name="body"/>.</summary>
    public static Thread Start(Action body, string name)
    {
        var thread = new Thread(
            () =>
            {
                t_isLarge = true;
                body();
            },
            StackSize)
        { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }

    /// <summary>Runs <paramref name="body"/> on a new large-stack thread; the task completes (or fails) with it.</summary>
    public static Task Run(Action body, string name)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Start(
            () =>
            {
                try
                {
                    body();
                    done.SetResult();
                }
#pragma warning disable CA1031 // Handed to the task's awaiter.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    done.SetException(e);
                }
            },
            name);
        return done.Task;
    }
}
