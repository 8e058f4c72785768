using System.Text;
using Jint.Parser;
using JintProgram = Jint.Parser.Ast.Program;

namespace Sequin.Functions.Engines;

/// <summary>The Jint 2.10 (ES5) implementation of <see cref="IFunctionEngine"/>.</summary>
internal sealed class JintFunctionEngine : IFunctionEngine
{
    /// <summary>The deepest bracket nesting accepted in a source.</summary>
    internal const int MaxBracketNesting = 100;

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

        if (MaxNesting(definition.Code) > MaxBracketNesting)
        {
            // Jint 2's parser and interpreter recurse per level: very deep nesting would overflow the host's stack.
            throw JintErrors.Contract(definition, $"nests brackets more than {MaxBracketNesting} levels deep.");
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

    /// <summary>The deepest nesting of <c>( [ {</c> outside strings and comments (regular expressions are counted: an
    /// over-estimate at worst).</summary>
    internal static int MaxNesting(string code)
    {
        int depth = 0, max = 0;
        for (var i = 0; i < code.Length; i++)
        {
            var c = code[i];
            switch (c)
            {
                case '(' or '[' or '{':
                    max = Math.Max(max, ++depth);
                    break;
                case ')' or ']' or '}':
                    depth = Math.Max(depth - 1, 0);
                    break;
                case '"' or '\'':
                    for (i++; i < code.Length && code[i] != c && code[i] != '\n'; i++)
                    {
                        if (code[i] == '\\')
                        {
                            i++;
                        }
                    }

                    break;
                case '/' when i + 1 < code.Length && code[i + 1] == '/':
                    while (i < code.Length && code[i] != '\n')
                    {
                        i++;
                    }

                    break;
                case '/' when i + 1 < code.Length && code[i + 1] == '*':
                    var end = code.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    i = end < 0 ? code.Length : end + 1;
                    break;
            }
        }

        return max;
    }
}
