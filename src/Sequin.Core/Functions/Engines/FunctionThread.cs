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
/// The thread exits after <see cref="IdleExit"/> without work and is started again by the next call, so an instance
/// that is dropped leaves no thread behind. Calls are handed over one at a time: the instance is not thread-safe.
/// </remarks>
#pragma warning disable CA1001 // The events are never disposed: the idle thread may still be waiting on them when the owner is dropped; they hold no kernel handle until a wait blocks, and the GC reclaims them.
internal sealed class FunctionThread
#pragma warning restore CA1001
{
    /// <summary>The stack reserved for the thread: 256 MB of address space, committed only as far as it is used.</summary>
    public const int StackSize = LargeStackThread.StackSize;

    /// <summary>How long the thread waits for work before it exits.</summary>
    public static readonly TimeSpan IdleExit = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly ManualResetEventSlim _request = new(false, 100);
    private readonly ManualResetEventSlim _done = new(false, 100);
    private readonly string _name;
    private Thread? _thread;
    private Action<object?>? _work;
    private object? _state;
    private ExceptionDispatchInfo? _error;

    /// <param name="name">The thread's name, for debuggers and dumps.</param>
    public FunctionThread(string name)
    {
        _name = name;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the thread and waits for it; its exception is rethrown here. On a thread that
    /// already has a large stack (<see cref="LargeStackThread"/>, or this one) it runs inline.
    /// </summary>
    public void Run(Action<object?> work, object? state)
    {
        if (LargeStackThread.IsCurrent)
        {
            work(state);
            return;
        }

        lock (_gate)
        {
            if (_thread is null)
            {
                _thread = LargeStackThread.Start(Loop, _name);
            }

            _work = work;
            _state = state;
            _error = null;
            _done.Reset();
            _request.Set();
            _done.Wait();
            _work = null;
            _state = null;
            var error = _error;
            _error = null;
            error?.Throw();
        }
    }

    private void Loop()
    {
        while (true)
        {
            if (!_request.Wait(IdleExit))
            {
                // No caller inside the gate means none is waiting for this thread: it may exit. A caller that holds
                // the gate has set (or is about to set) the request: keep serving.
                if (_gate.TryEnter())
                {
                    try
                    {
                        if (!_request.IsSet)
                        {
                            _thread = null;
                            return;
                        }
                    }
                    finally
                    {
                        _gate.Exit();
                    }
                }

                continue;
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
}
