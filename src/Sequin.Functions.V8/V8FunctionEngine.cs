using System.Text;
using Microsoft.ClearScript;
using Microsoft.ClearScript.V8;

namespace Sequin.Functions.V8;

/// <summary>
/// An experimental <see cref="IFunctionEngine"/> on V8 (Microsoft ClearScript), measured against the default Jint
/// engine in <c>bench/</c>. Routing functions only. Each call re-runs the function's top level inside a wrapper and
/// the realm is frozen, as with Jint, so nothing one call changes reaches the next.
/// </summary>
internal sealed class V8FunctionEngine : IFunctionEngine
{
    /// <summary>A shared instance: it holds nothing.</summary>
    public static V8FunctionEngine Shared { get; } = new();

    /// <inheritdoc />
    public ICompiledFunction Compile(FunctionDefinition definition, FunctionLimits limits)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(limits);
        if (definition.Kind != FunctionKind.Routing)
        {
            throw V8Errors.Contract(definition, "cannot run on the V8 engine: it runs routing functions only (experimental).");
        }

        if (string.IsNullOrWhiteSpace(definition.Code))
        {
            throw V8Errors.Contract(definition, "has no code.");
        }

        var size = Encoding.UTF8.GetByteCount(definition.Code);
        if (size > FunctionLimits.MaxSourceBytes)
        {
            throw V8Errors.Contract(definition, $"is too large: {size} bytes, at most {FunctionLimits.MaxSourceBytes} bytes.");
        }

        var compiled = new V8CompiledFunction(definition, limits);

        // Surfaces syntax errors and a missing entry point now, not at the first message.
        using var probe = compiled.CreateEngine();
        compiled.Load(probe);
        return compiled;
    }
}
