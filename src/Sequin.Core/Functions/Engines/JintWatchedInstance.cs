namespace Sequin.Functions.Engines;

/// <summary>
/// What <see cref="JintCompiledFunction.CreateInstance"/> returns: the function's current engine
/// (<see cref="JintFunctionInstance"/>), replaced by a freshly loaded one after the watchdog abandoned a call, so that
/// an engine a stuck call may still be running is never used again. The failed call throws the watchdog's
/// <see cref="FunctionException"/>; the next call loads the new engine first. Not thread-safe.
/// </summary>
internal sealed class JintWatchedInstance : IFunctionInstance, IDisposable
{
    private readonly JintCompiledFunction _compiled;
    private readonly FunctionThread _thread;
    private JintFunctionInstance? _current;

    public JintWatchedInstance(JintCompiledFunction compiled, FunctionThread thread, JintFunctionInstance first)
    {
        _compiled = compiled;
        _thread = thread;
        _current = first;
    }

    /// <inheritdoc />
    public bool InvokeFilter(in FunctionInput input)
    {
        var current = Current();
        try
        {
            return current.InvokeFilter(input);
        }
        finally
        {
            Drop(current);
        }
    }

    /// <inheritdoc />
    public void InvokeRoute(in FunctionInput input, List<RouteEntry> output)
    {
        var current = Current();
        try
        {
            current.InvokeRoute(input, output);
        }
        finally
        {
            Drop(current);
        }
    }

    /// <inheritdoc />
    public byte[] InvokeTransform(in FunctionInput input)
    {
        var current = Current();
        try
        {
            return current.InvokeTransform(input);
        }
        finally
        {
            Drop(current);
        }
    }

    /// <summary>Lets the function's thread exit now (it would after <see cref="FunctionThread.IdleExit"/>); a later call starts it again.</summary>
    public void Dispose() => _thread.Dispose();

    // A load that fails throws here: the message fails with the load's error, and the next call tries again.
    private JintFunctionInstance Current() => _current ??= _compiled.Load(_thread);

    private void Drop(JintFunctionInstance current)
    {
        if (current.Abandoned)
        {
            _current = null;
        }
    }
}
