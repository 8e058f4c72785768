namespace Sequin.Functions;

/// <summary>
/// A user function loaded in its own engine, called with <c>(action, record, changes, metadata)</c>. Not thread-safe.
/// Every call is limited in CPU time, statements, recursion and memory; a failure throws <see cref="FunctionException"/> and leaves
/// the instance usable for the next call.
/// </summary>
internal interface IFunctionInstance
{
    /// <summary>Calls a filter function; it must return exactly <c>true</c> or <c>false</c>.</summary>
    bool InvokeFilter(in FunctionInput input);

    /// <summary>Calls a routing function; it must return an object. Its own enumerable properties are added to <paramref name="output"/>.</summary>
    void InvokeRoute(in FunctionInput input, List<RouteEntry> output);

    /// <summary>Calls a transform function and returns its value as UTF-8 JSON.</summary>
    byte[] InvokeTransform(in FunctionInput input);
}
