using System.Text.RegularExpressions;
using Sequin.Functions;

namespace Sequin.Configuration;

/// <summary>Recognises a function written in Elixir for the original Sequin, so that it gets a clear error instead of a JavaScript syntax error.</summary>
internal static partial class ElixirCode
{
    /// <summary>The Elixir definition line found (<c>def transform(...) do</c>), or null when the code is not Elixir.</summary>
    public static string? Detect(string code) => ElixirDef().Match(code) is { Success: true } match ? match.Value.Trim() : null;

    /// <summary>The JavaScript signature to write instead, for the function's kind.</summary>
    public static string Hint(FunctionKind? kind)
    {
        var name = kind switch
        {
            FunctionKind.Routing => "route",
            FunctionKind.Filter => "filter",
            _ => "transform",
        };
        return $"write 'function {name}(action, record, changes, metadata) {{ ... }}' returning a JavaScript value ({{ id: record.id }} for %{{id: record[\"id\"]}})";
    }

    [GeneratedRegex(@"^\s*defp?\s+\w+\s*\([^)]*\)\s*do\b", RegexOptions.Multiline)]
    private static partial Regex ElixirDef();
}
