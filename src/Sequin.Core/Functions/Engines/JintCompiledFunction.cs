using System.Globalization;
using Jint;
using Jint.Native.Function;
using JintProgram = Jint.Parser.Ast.Program;

namespace Sequin.Functions.Engines;

/// <summary>A parsed function; each <see cref="CreateInstance"/> gets its own engine that runs the shared syntax trees.</summary>
internal sealed class JintCompiledFunction : ICompiledFunction
{
    private readonly FunctionLimits _limits;
    private readonly JintProgram _prelude;
    private readonly JintProgram _program;

    public JintCompiledFunction(FunctionDefinition definition, FunctionLimits limits, JintProgram prelude, JintProgram program)
    {
        Definition = definition;
        _limits = limits;
        _prelude = prelude;
        _program = program;
    }

    /// <inheritdoc />
    public FunctionDefinition Definition { get; }

    /// <inheritdoc />
    public IFunctionInstance CreateInstance()
    {
        // No AllowClr and no SetValue of host objects: scripts see only the ECMAScript built-ins and the prelude.
        var engine = new Engine(options => options
            .TimeoutInterval(_limits.Timeout)
            .MaxStatements(_limits.MaxStatements)
            .LimitRecursion(_limits.MaxRecursionDepth)
            .Culture(CultureInfo.InvariantCulture)
            .LocalTimeZone(TimeZoneInfo.Utc));
        try
        {
            engine.ResetTimeoutTicks();
            engine.ResetStatementsCount();
            engine.Execute(_prelude);
            engine.ResetTimeoutTicks();
            engine.ResetStatementsCount();
            engine.ResetCallStack();
            engine.Execute(_program);
        }
        catch (Exception e) when (e is not FunctionException and not OutOfMemoryException)
        {
            throw JintErrors.FromException(Definition, _limits, e, engine);
        }

        var entry = engine.GetValue(Definition.EntryPoint);
        if (!entry.IsObject() || entry.AsObject() is not FunctionInstance function)
        {
            throw JintErrors.Contract(
                Definition,
                $"must declare function {Definition.EntryPoint}(action, record, changes, metadata).");
        }

        return new JintFunctionInstance(Definition, _limits, engine, function);
    }
}
