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

    /// <summary>
    /// Which of the four arguments the code can reach (bit i = argument i). An argument whose name occurs only once in
    /// the whole source (its declaration) cannot be read, unless the code uses <c>arguments</c> or <c>eval</c>.
    /// </summary>
    internal static int UsedArguments(string code, string[] parameters)
    {
        if (CountWord(code, "arguments") > 0 || CountWord(code, "eval") > 0)
        {
            return 0b1111;
        }

        var used = 0;
        for (var i = 0; i < Math.Min(parameters.Length, 4); i++)
        {
            if (CountWord(code, parameters[i]) > 1)
            {
                used |= 1 << i;
            }
        }

        return used;
    }

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

        return new JintFunctionInstance(Definition, _limits, engine, function, UsedArguments(Definition.Code, function.FormalParameters));
    }

    private static int CountWord(string code, string word)
    {
        var count = 0;
        for (var at = code.IndexOf(word, StringComparison.Ordinal); at >= 0; at = code.IndexOf(word, at + word.Length, StringComparison.Ordinal))
        {
            var before = at == 0 ? ' ' : code[at - 1];
            var end = at + word.Length;
            var after = end >= code.Length ? ' ' : code[end];
            if (!IsIdentifierPart(before) && !IsIdentifierPart(after))
            {
                count++;
            }
        }

        return count;
    }

    private static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c is '_' or '$' || c > 127;
}
