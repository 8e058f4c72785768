using System.Text;
using Acornima;
using Acornima.Ast;
using Jint;

namespace Sequin.Functions.Engines;

/// <summary>The Jint 4 implementation of <see cref="IFunctionEngine"/> (current JavaScript, parsed by Acornima).</summary>
internal sealed class JintFunctionEngine : IFunctionEngine
{
    /// <summary>The deepest bracket nesting accepted in a source (the parser recurses per level).</summary>
    internal const int MaxBracketNesting = 100;

    /// <summary>The name of the function that wraps a source whose top level keeps state (see <see cref="JintCompiledFunction"/>).</summary>
    internal const string WrapperName = "__sequin_function__";

    /// <summary>A shared instance: it holds nothing.</summary>
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
            // The parser and the interpreter recurse per level: very deep nesting would only cost stack.
            throw JintErrors.Contract(definition, $"nests brackets more than {MaxBracketNesting} levels deep.");
        }

        Prepared<Script> script;
        try
        {
            script = Engine.PrepareScript(definition.Code, definition.Name, strict: true);
        }
        catch (Exception e) when (FindParseError(e) is { } parseError)
        {
            throw JintErrors.FromParseError(definition, parseError, 0);
        }

        var shape = JintScriptShape.Of(script.Program!, definition.EntryPoint);
        if (shape.IsStateless)
        {
            return new JintCompiledFunction(definition, limits, script, shape, wrapped: false, wrapperColumnOffset: 0);
        }

        // The top level holds state (variables, objects): run it anew for every call inside a wrapper function, so
        // that nothing one call changes survives to the next. The wrapper adds no line: positions stay the user's.
        var header = "function " + WrapperName + "() {";
        var source = header + definition.Code + "\n;return typeof " + definition.EntryPoint + " === 'function' ? " + definition.EntryPoint + " : undefined;\n}";
        Prepared<Script> wrapper;
        try
        {
            wrapper = Engine.PrepareScript(source, definition.Name, strict: true);
        }
        catch (Exception e) when (FindParseError(e) is { } parseError)
        {
            throw JintErrors.FromParseError(definition, parseError, header.Length);
        }

        return new JintCompiledFunction(definition, limits, wrapper, shape, wrapped: true, wrapperColumnOffset: header.Length);
    }

    private static ParseErrorException? FindParseError(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is ParseErrorException parseError)
            {
                return parseError;
            }
        }

        return null;
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
