using System.Globalization;
using Jint;
using Jint.Native;
using Jint.Parser;
using Jint.Runtime;

namespace Sequin.Functions.Engines;

/// <summary>Turns what Jint throws into a <see cref="FunctionError"/> naming the function, the line and the column.</summary>
internal static class JintErrors
{
    /// <summary>The error of a failed call (or of loading the function), with a location when Jint knows one.</summary>
    public static FunctionException FromException(FunctionDefinition definition, FunctionLimits limits, Exception exception, Engine? engine)
    {
        int? line = null;
        int? column = null;
        string? source = null;
        string text;
        switch (exception)
        {
            case JavaScriptException js:
                text = "threw " + DescribeThrown(js.Error);
                if (js.Location is { } location && location.Start.Line > 0)
                {
                    line = location.Start.Line;
                    column = location.Start.Column;
                    source = location.Source;
                }

                break;
            case TimeoutException:
                text = $"timed out after {limits.Timeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms";
                break;
            case StatementsCountOverflowException:
                text = $"executed more than {limits.MaxStatements.ToString(CultureInfo.InvariantCulture)} statements (an endless loop?)";
                break;
            case RecursionDepthOverflowException:
                text = $"exceeded the recursion limit of {limits.MaxRecursionDepth.ToString(CultureInfo.InvariantCulture)} nested calls";
                break;
            default:
                text = $"failed inside the JavaScript engine: {exception.GetType().Name}: {exception.Message}";
                break;
        }

        if (line is null && engine?.GetLastSyntaxNode()?.Location is { } last && last.Start.Line > 0)
        {
            line = last.Start.Line;
            column = last.Start.Column;
            source = last.Source;
        }

        return Create(definition, text, line, column, source, exception);
    }

    /// <summary>A syntax error.</summary>
    public static FunctionException FromParserException(FunctionDefinition definition, ParserException exception) =>
        Create(definition, "has a syntax error: " + (exception.Description ?? exception.Message), exception.LineNumber > 0 ? exception.LineNumber : null, exception.LineNumber > 0 ? exception.Column : null, definition.Name, exception);

    /// <summary>An error about what the function returned or how it is written (no location).</summary>
    public static FunctionException Contract(FunctionDefinition definition, string text) =>
        new(new FunctionError(definition.Name, $"{definition.KindLabel} function '{definition.Name}' {text}", null, null));

    private static FunctionException Create(FunctionDefinition definition, string text, int? line, int? column, string? source, Exception inner)
    {
        var where = string.Empty;
        if (line is not null)
        {
            if (string.Equals(source, definition.Name, StringComparison.Ordinal))
            {
                where = $" (line {line}, column {column})";
            }
            else
            {
                // Only positions inside the user's own source are reported as its line and column.
                where = string.Equals(source, JintPrelude.SourceName, StringComparison.Ordinal)
                    ? $" (inside a prelude helper, prelude line {line})"
                    : string.Empty;
                line = null;
                column = null;
            }
        }

        var message = $"{definition.KindLabel} function '{definition.Name}' {text}{where}";
        return new FunctionException(new FunctionError(definition.Name, message, line, column), inner);
    }

    private static string DescribeThrown(JsValue error)
    {
        if (error.IsObject())
        {
            var obj = error.AsObject();
            var name = obj.Get("name");
            var message = obj.Get("message");
            var nameText = name.IsUndefined() ? "Error" : TypeConverter.ToString(name);
            var messageText = message.IsUndefined() ? string.Empty : TypeConverter.ToString(message);
            if (obj.Class == "Error")
            {
                if (messageText.Length == 0 && nameText == "TypeError")
                {
                    // Jint 2 gives no text for these; say what usually causes them.
                    return "TypeError (reading a property of undefined or null, or calling something that is not a function)";
                }

                return messageText.Length == 0 ? nameText : nameText + ": " + messageText;
            }
        }

        return (error.IsString() ? "\"" + error.AsString() + "\"" : SafeToString(error));
    }

    private static string SafeToString(JsValue value)
    {
        try
        {
            return value.IsObject() ? "[object " + value.AsObject().Class + "]" : TypeConverter.ToString(value);
        }
        catch (JavaScriptException)
        {
            return "a value";
        }
    }
}
