namespace Sequin.Functions;

/// <summary>
/// A JavaScript engine for user functions. The implementation is Jint 4 (<see cref="Engines.JintFunctionEngine"/>); another engine would replace
/// it by implementing this interface and its two companions, without touching the router or the processor.
/// </summary>
internal interface IFunctionEngine
{
    /// <summary>Parses a function once; the result is shared by all processors (thread-safe).</summary>
    /// <exception cref="FunctionException">The source is too large or does not parse.</exception>
    ICompiledFunction Compile(FunctionDefinition definition, FunctionLimits limits);
}
