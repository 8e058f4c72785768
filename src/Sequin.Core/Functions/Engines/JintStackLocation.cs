using System.Globalization;
using System.Text.RegularExpressions;
using Jint;

namespace Sequin.Functions.Engines;

/// <summary>
/// Where a running engine is, read from its JavaScript stack trace (<c>at route (my-route:4:5)</c>): the location a
/// limit that stops a call between statements reports, since Jint attaches none to the exceptions of constraints.
/// </summary>
/// <param name="Source">The source's name (the function's name for the user's code).</param>
/// <param name="Line">The 1-based line.</param>
/// <param name="Column">The 0-based column.</param>
internal sealed partial record JintStackLocation(string Source, int Line, int Column)
{
    /// <summary>The innermost frame of <paramref name="engine"/>'s stack, or null when it has none.</summary>
    /// <remarks>
    /// The watchdog reads it from another thread while the abandoned call may still run: a best effort, which gives up
    /// (null) on anything a stack changing underneath can throw.
    /// </remarks>
    public static JintStackLocation? Top(Engine? engine)
    {
        if (engine is null)
        {
            return null;
        }

        string trace;
        try
        {
            trace = engine.Advanced.StackTrace;
        }
#pragma warning disable CA1031 // A best effort: no location rather than a failure while reporting one.
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return null;
        }

        var match = FramePattern().Match(trace);
        if (!match.Success)
        {
            return null;
        }

        var line = int.Parse(match.Groups["line"].ValueSpan, CultureInfo.InvariantCulture);
        var column = int.Parse(match.Groups["column"].ValueSpan, CultureInfo.InvariantCulture);
        return new JintStackLocation(match.Groups["source"].Value, line, Math.Max(column - 1, 0));
    }

    // "   at name (source:line:column)" or "   at source:line:column"; the first match is the innermost frame.
    [GeneratedRegex(@"at (?:[^\r\n(]*\()?(?<source>[^\r\n():]+):(?<line>\d+):(?<column>\d+)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex FramePattern();
}
