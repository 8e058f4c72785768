using System.Text;
using Jint.Parser;
using JintProgram = Jint.Parser.Ast.Program;

namespace Sequin.Functions.Engines;

/// <summary>The Jint 2.10 (ES5) implementation of <see cref="IFunctionEngine"/>.</summary>
internal sealed class JintFunctionEngine : IFunctionEngine
{
    private readonly JintProgram _prelude;

    /// <summary>Creates the engine and parses the prelude once.</summary>
    public JintFunctionEngine()
    {
        _prelude = new JavaScriptParser().Parse(JintPrelude.Source, new ParserOptions { Source = JintPrelude.SourceName });
    }

    /// <summary>A shared instance: it holds only the parsed prelude, which is immutable and safe to share.</summary>
    public static JintFunctionEngine Shared { get; } = new();

    /// <inheritdoc />
    public ICompiledFunction Compile(FunctionDefinition definition, FunctionLimits limits)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(limits);
        if (string.IsNullOrWhiteSpace(definition.Code))
        {
            throw JintErrors.Contract(definition, "has no code.");
        }

        var size = Encoding.UTF8.GetByteCount(definition.Code);
        if (size > FunctionLimits.MaxSourceBytes)
        {
            throw JintErrors.Contract(definition, $"is too large: {size} bytes, at most {FunctionLimits.MaxSourceBytes} bytes.");
        }

        JintProgram program;
        try
        {
            program = new JavaScriptParser().Parse(definition.Code, new ParserOptions { Source = definition.Name });
        }
        catch (ParserException e)
        {
            throw JintErrors.FromParserException(definition, e);
        }

        return new JintCompiledFunction(definition, limits, _prelude, program);
    }
}
