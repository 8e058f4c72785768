using System.Globalization;
using System.Text.RegularExpressions;
using Acornima;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;

namespace Sequin.Functions.Engines;

/// <summary>Turns what Jint throws into a <see cref="FunctionError"/> naming the function, the limit, the line and the column.</summary>
internal static class JintErrors
{
    /// <summary>The error of a failed call (or of loading the function), with a location when Jint knows one.</summary>
    /// <param name="definition">The function.</param>
    /// <param name="limits">Its limits, named in the message.</param>
    /// <param name="exception">What was thrown.</param>
    /// <param name="columnOffset">The wrapper's length on line 1 (0 when the source is not wrapped).</param>
    public static FunctionException FromException(FunctionDefinition definition, FunctionLimits limits, Exception exception, int columnOffset)
    {
        int? line = null;
        int? column = null;
        string? source = null;
        string text;
        switch (exception)
        {
            case JavaScriptException js:
                text = "threw " + DescribeThrown(js.Error);
                if (js.Location.Start.Line > 0)
                {
                    line = js.Location.Start.Line;
                    column = js.Location.Start.Column;
                    source = js.Location.SourceFile;
                }

                break;
            case RegexMatchTimeoutException:
                text = $"exceeded the time limit of {Ms(limits.Timeout)} ms in a regular expression (catastrophic backtracking?)";
                break;
            case FunctionTimeoutException timeout:
                text = $"exceeded the time limit of {Ms(limits.Timeout)} ms of CPU time (an endless loop?)";
                (line, column, source) = Where(timeout.Location);
                break;
            case StatementLimitExceededException statements:
                text = $"executed more than {limits.MaxStatements.ToString(CultureInfo.InvariantCulture)} statements, the statement limit (an endless loop?)";
                (line, column, source) = Where(statements.Location);
                break;
            case TimeoutException:
                text = $"exceeded the time limit of {Ms(limits.Timeout)} ms of CPU time (an endless loop?)";
                break;
            case OutOfMemoryException:
                text = $"exceeded the memory limit: a string or array larger than the engine allows (limit {limits.MaxAllocatedBytes / (1024 * 1024)} MB allocated per call)";
                break;
            default:
                text = exception.GetType().Name switch
                {
                    "StatementsCountOverflowException" => $"executed more than {limits.MaxStatements.ToString(CultureInfo.InvariantCulture)} statements, the statement limit (an endless loop?)",
                    "RecursionDepthOverflowException" => $"exceeded the recursion limit of {limits.MaxRecursionDepth.ToString(CultureInfo.InvariantCulture)} nested calls",
                    "MemoryLimitExceededException" => $"exceeded the memory limit of {(limits.MaxAllocatedBytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture)} MB allocated per call",
                    _ => $"failed inside the JavaScript engine: {exception.GetType().Name}: {exception.Message}",
                };
                break;
        }

        if (line is null && JintException.TryGetJavaScriptLocation(exception, out var location) && location.Start.Line > 0)
        {
            line = location.Start.Line;
            column = location.Start.Column;
            source = location.SourceFile;
        }

        return Create(definition, text, line, column, source, exception, columnOffset);
    }

    /// <summary>
    /// The error of a call (or load) the watchdog abandoned: it ran past the wall-clock limit, blocked or stuck inside a
    /// built-in where no other limit is checked. <paramref name="location"/> is where the engine was last seen.
    /// </summary>
    public static FunctionException Abandoned(FunctionDefinition definition, FunctionAbandonedException exception, int columnOffset, JintStackLocation? location)
    {
        var (line, column, source) = Where(location);

        var text = $"did not return within the wall-clock limit of {Ms(exception.Limit)} ms and was abandoned by the watchdog " +
            "(blocked, or stuck inside a built-in where no other limit is checked); its engine was discarded";
        return Create(definition, text, line, column, source, exception, columnOffset);
    }

    /// <summary>A syntax error.</summary>
    public static FunctionException FromParseError(FunctionDefinition definition, ParseErrorException exception, int columnOffset) =>
        Create(
            definition,
            "has a syntax error: " + (exception.Description ?? exception.Message),
            exception.LineNumber > 0 ? exception.LineNumber : null,
            exception.LineNumber > 0 ? exception.Column : null,
            definition.Name,
            exception,
            columnOffset);

    /// <summary>An error about what the function returned or how it is written (no location).</summary>
    public static FunctionException Contract(FunctionDefinition definition, string text) =>
        new(new FunctionError(definition.Name, $"{definition.KindLabel} function '{definition.Name}' {text}", null, null));

    private static (int? Line, int? Column, string? Source) Where(JintStackLocation? location) =>
        location is null ? (null, null, null) : (location.Line, location.Column, location.Source);

    private static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString(CultureInfo.InvariantCulture);

    private static FunctionException Create(FunctionDefinition definition, string text, int? line, int? column, string? source, Exception inner, int columnOffset)
    {
        var where = string.Empty;
        if (line is not null)
        {
            if (string.Equals(source, definition.Name, StringComparison.Ordinal))
            {
                if (line == 1 && column is not null)
                {
                    column = Math.Max(column.Value - columnOffset, 0);
                }

                where = $" (line {line}, column {column})";
            }
            else
            {
                // Only positions inside the user's own source are reported as its line and column.
                line = null;
                column = null;
            }
        }

        var message = $"{definition.KindLabel} function '{definition.Name}' {text}{where}";
        return new FunctionException(new FunctionError(definition.Name, message, line, column), inner);
    }

    private static string DescribeThrown(JsValue error)
    {
        if (error is ObjectInstance obj)
        {
            try
            {
                var name = obj.Get("name");
                var message = obj.Get("message");
                if (name.IsString())
                {
                    var messageText = message.IsString() ? message.ToString() : string.Empty;
                    return messageText.Length == 0 ? name.ToString() : name + ": " + messageText;
                }
            }
            catch (JavaScriptException)
            {
                // A getter that throws: describe it plainly.
            }

            return "an object";
        }

        return error.IsString() ? "\"" + error + "\"" : SafeToString(error);
    }

    private static string SafeToString(JsValue value)
    {
        try
        {
            return TypeConverter.ToString(value);
        }
        catch (JavaScriptException)
        {
            return "a value";
        }
    }
}
