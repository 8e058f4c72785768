using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Sequin.Functions.Engines;

/// <summary>
/// A dedicated thread with a large stack on which one function instance loads and runs. .NET cannot catch a stack
/// overflow: it ends the process. Jint's interpreter and several of its built-ins recurse natively (property lookups
/// along a prototype chain, bound functions, <c>Array.prototype.join</c> of nested arrays, ...). On this stack such a
/// recursion cannot get deep enough to overflow before the call's memory budget (every level is an object the call
/// allocated) or its other limits stop it, whatever the caller's own stack is.
/// </summary>
/// <remarks>
/// <para>
/// The thread exits after <see cref="IdleExit"/> without work and is started again by the next call, so an instance
/// that is dropped leaves no thread behind. Calls are handed over one at a time: the instance is not thread-safe.
/// </para>
/// <para>
/// The caller waits at most a wall-clock limit (the watchdog). A call still running then is abandoned: the thread is
/// interrupted (which ends a blocking wait at once) and exits as soon as the call returns, never taking another; the
/// next call starts a new thread. The caller must discard what the abandoned call was using (its engine).
/// </para>
/// </remarks>
internal sealed class FunctionThread : IDisposable
{
    /// <summary>The stack reserved for the thread: 256 MB of address space, committed only as far as it is used.</summary>
    public const int StackSize = LargeStackThread.StackSize;

    /// <summary>How long the thread waits for work before it exits.</summary>
    public static readonly TimeSpan IdleExit = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly string _name;
    private Worker? _worker;

    /// <param name="name">The thread's name, for debuggers and dumps.</param>
    public FunctionThread(string name)
    {
        _name = name;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the thread and waits for it, at most <paramref name="wallLimit"/>; its exception
    /// is rethrown here. On a thread that already has a large stack (<see cref="LargeStackThread"/>, or this one) it
    /// runs inline, without a watchdog: such a caller cannot be abandoned.
    /// </summary>
    /// <exception cref="FunctionAbandonedException">The work ran longer than <paramref name="wallLimit"/> and was abandoned.</exception>
    public void Run(Action<object?> work, object? state, TimeSpan wallLimit)
    {
        if (LargeStackThread.IsCurrent)
        {
            work(state);
            return;
        }

        lock (_gate)
        {
            _worker ??= new Worker(this);
            if (!_worker.Call(work, state, wallLimit, out var error))
            {
                // The abandoned worker exits once its call returns; the next call gets a new one.
                _worker = null;
                throw new FunctionAbandonedException(wallLimit);
            }

            error?.Throw();
        }
    }

    /// <summary>
    /// Lets the thread exit now instead of after <see cref="IdleExit"/> (one-shot callers: the validator, a trial run, a
    /// warm-up). A later <see cref="Run"/> starts a new one.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _worker?.Stop();
            _worker = null;
        }
    }

    /// <summary>One thread and its hand-over events; abandoned as a whole when a call overruns.</summary>
#pragma warning disable CA1001 // The events are never disposed: the thread may still be waiting on them when the owner is dropped; they hold no kernel handle until a wait blocks, and the GC reclaims them.
    private sealed class Worker
#pragma warning restore CA1001
    {
        private readonly FunctionThread _owner;
        private readonly ManualResetEventSlim _request = new(false, 100);
        private readonly ManualResetEventSlim _done = new(false, 100);
        private readonly Thread _thread;
        private Action<object?>? _work;
        private object? _state;
        private ExceptionDispatchInfo? _error;
        private volatile bool _abandoned;
        private volatile bool _stopped;

        public Worker(FunctionThread owner)
        {
            _owner = owner;
            _thread = LargeStackThread.Start(Loop, owner._name);
        }

        /// <summary>Hands one call over (under the owner's gate); false when it overran and the worker is abandoned.</summary>
        public bool Call(Action<object?> work, object? state, TimeSpan wallLimit, out ExceptionDispatchInfo? error)
        {
            _work = work;
            _state = state;
            _error = null;
            _done.Reset();
            _request.Set();
            if (!WaitDone(wallLimit))
            {
                _abandoned = true;
                _thread.Interrupt();
                error = null;
                return false;
            }

            error = _error;
            _work = null;
            _state = null;
            _error = null;
            return true;
        }

        /// <summary>
        /// Waits for the call to finish, at least <paramref name="wallLimit"/> by the high-resolution clock: an event's
        /// timed wait counts whole milliseconds of the coarse tick count and may return up to one tick early.
        /// </summary>
        private bool WaitDone(TimeSpan wallLimit)
        {
            var started = Stopwatch.GetTimestamp();
            while (true)
            {
                var remaining = wallLimit - Stopwatch.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero)
                {
                    return _done.IsSet;
                }

                if (_done.Wait(remaining < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : remaining))
                {
                    return true;
                }
            }
        }

        /// <summary>Ends the thread once it is idle (under the owner's gate, so no call is being handed over).</summary>
        public void Stop()
        {
            _stopped = true;
            _request.Set();
        }

        private void Loop()
        {
            try
            {
                while (!_abandoned)
                {
                    if (!_request.Wait(IdleExit))
                    {
                        if (TryExitIdle())
                        {
                            return;
                        }

                        continue;
                    }

                    if (_stopped)
                    {
                        return;
                    }

                    _request.Reset();
                    try
                    {
                        _work!(_state);
                    }
#pragma warning disable CA1031 // Everything goes back to the caller, which decides; the thread must survive.
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        _error = ExceptionDispatchInfo.Capture(e);
                    }

                    _done.Set();
                }
            }
            catch (ThreadInterruptedException) when (_abandoned)
            {
                // The watchdog's interrupt reached the wait for the next call: the worker is abandoned, it just ends.
            }
        }

        private bool TryExitIdle()
        {
            // No caller inside the gate means none is waiting for this thread: it may exit. A caller that holds the
            // gate has set (or is about to set) the request: keep serving.
            if (!_owner._gate.TryEnter())
            {
                return false;
            }

            try
            {
                if (_request.IsSet)
                {
                    return false;
                }

                if (ReferenceEquals(_owner._worker, this))
                {
                    _owner._worker = null;
                }

                return true;
            }
            finally
            {
                _owner._gate.Exit();
            }
        }
    }
}

/// <summary>Thrown by <see cref="FunctionThread.Run"/> when the watchdog abandoned a call.</summary>
internal sealed class FunctionAbandonedException : TimeoutException
{
    public FunctionAbandonedException()
        : base("The function call was abandoned by the watchdog.")
    {
    }

    public FunctionAbandonedException(TimeSpan limit)
        : base($"The function call ran longer than {limit.TotalMilliseconds} ms of wall-clock time and was abandoned.")
    {
        Limit = limit;
    }

    public FunctionAbandonedException(string message)
        : base(message)
    {
    }

    public FunctionAbandonedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The wall-clock limit the call overran.</summary>
    public TimeSpan Limit { get; }
}
