namespace Sequin.Functions;

/// <summary>A parsed user function, shareable between threads. Each worker creates its own <see cref="IFunctionInstance"/>.</summary>
internal interface ICompiledFunction
{
    /// <summary>The function's definition.</summary>
    FunctionDefinition Definition { get; }

    /// <summary>Creates an engine with the function loaded, on its own thread. Not thread-safe; one per worker.</summary>
    /// <exception cref="FunctionException">The top-level code throws, or the entry point is not declared.</exception>
    IFunctionInstance CreateInstance();
}
