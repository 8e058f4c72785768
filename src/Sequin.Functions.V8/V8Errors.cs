using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ClearScript;

namespace Sequin.Functions.V8;

/// <summary>Errors of V8 functions, worded as the Jint engine's: the kind, the name, and the line and column when known.</summary>
internal static partial class V8Errors
{
    public static FunctionException Contract(FunctionDefinition definition, string what) =>
        new(new FunctionError(definition.Name, $"{definition.KindLabel} function '{definition.Name}' {what}", null, null));

    public static FunctionException Failed(FunctionDefinition definition, string text, int? line, int? column, int wrapperColumnOffset)
    {
        if (line == 1 && column is { } c)
        {
            column = Math.Max(c - wrapperColumnOffset, 0);
        }

        var at = line is { } l ? string.Create(CultureInfo.InvariantCulture, $" at line {l}, column {column ?? 0}") : string.Empty;
        return new FunctionException(new FunctionError(definition.Name, $"{definition.KindLabel} function '{definition.Name}' failed{at}: {text}", line, column));
    }

    public static FunctionException FromScript(FunctionDefinition definition, ScriptEngineException e, int wrapperColumnOffset)
    {
        var details = e.ErrorDetails ?? e.Message;
        var match = Position().Match(details);
        int? line = match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        int? column = match.Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) - 1 : null;
        return Failed(definition, e.Message, line, column, wrapperColumnOffset);
    }

    [GeneratedRegex(@":(\d+):(\d+)")]
    private static partial Regex Position();
}
