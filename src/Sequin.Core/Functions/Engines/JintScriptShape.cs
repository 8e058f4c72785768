using Acornima.Ast;

namespace Sequin.Functions.Engines;

/// <summary>
/// What the top level of a function's source declares: whether it can hold state between calls, and the entry point's
/// parameters (to build only the arguments the code can read).
/// </summary>
/// <param name="IsStateless">
/// True when the top level only declares functions and <c>const</c>s bound to functions or primitive literals: once the
/// realm is frozen, nothing there can change, so the script is loaded once. Anything else (<c>var</c>, <c>let</c>,
/// objects, statements) is run anew for every call.
/// </param>
/// <param name="Parameters">The entry point's parameters when it is declared at the top level; a destructuring pattern or a
/// rest parameter is null (it reads its argument).</param>
/// <param name="ConstNames">The top-level <c>const</c> names (frozen after loading).</param>
internal sealed record JintScriptShape(bool IsStateless, IReadOnlyList<string?>? Parameters, IReadOnlyList<string> ConstNames)
{
    /// <summary>Analyses a parsed script.</summary>
    public static JintScriptShape Of(Script script, string entryPoint)
    {
        var stateless = true;
        IReadOnlyList<string?>? parameters = null;
        var consts = new List<string>();
        foreach (var statement in script.Body)
        {
            switch (statement)
            {
                case FunctionDeclaration function:
                    if (function.Id?.Name == entryPoint)
                    {
                        parameters = Names(function.Params);
                    }

                    break;
                case VariableDeclaration declaration:
                    if (declaration.Kind != VariableDeclarationKind.Const)
                    {
                        stateless = false;
                    }

                    foreach (var declarator in declaration.Declarations)
                    {
                        if (declarator.Id is not Identifier id)
                        {
                            stateless = false;
                            continue;
                        }

                        consts.Add(id.Name);
                        switch (declarator.Init)
                        {
                            case ArrowFunctionExpression arrow:
                                if (id.Name == entryPoint)
                                {
                                    parameters = Names(arrow.Params);
                                }

                                break;
                            case FunctionExpression expression:
                                if (id.Name == entryPoint)
                                {
                                    parameters = Names(expression.Params);
                                }

                                break;
                            case Literal literal when literal is not RegExpLiteral:
                                break;
                            default:
                                stateless = false;
                                break;
                        }
                    }

                    break;
                case Directive or EmptyStatement:
                    break;
                default:
                    stateless = false;
                    break;
            }
        }

        return new JintScriptShape(stateless, parameters, consts);
    }

    /// <summary>
    /// Which of the four arguments the code can reach (bit i = argument i). An argument whose name occurs only once in
    /// the whole source (its declaration) cannot be read, unless the code uses <c>arguments</c> or <c>eval</c>.
    /// </summary>
    public int UsedArguments(string code)
    {
        if (Parameters is null || Parameters.Contains(null) || CountWord(code, "arguments") > 0 || CountWord(code, "eval") > 0)
        {
            return 0b1111;
        }

        var used = 0;
        for (var i = 0; i < 4; i++)
        {
            if (i >= Parameters.Count)
            {
                break;
            }

            if (CountWord(code, Parameters[i]!) > 1)
            {
                used |= 1 << i;
            }
        }

        return used;
    }

    private static List<string?> Names(in NodeList<Node> parameters)
    {
        var names = new List<string?>();
        foreach (var parameter in parameters)
        {
            names.Add(parameter is Identifier id ? id.Name : null);
        }

        return names;
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
