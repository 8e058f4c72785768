namespace Sequin.Functions;

/// <summary>An error in a user function: which function, what went wrong and, where known, where in its source.</summary>
/// <param name="FunctionName">The function's configured name.</param>
/// <param name="Message">What went wrong, including the function's kind and name, and the line and column when known.</param>
/// <param name="Line">The 1-based line in the function's source, or null when unknown.</param>
/// <param name="Column">The 0-based column in that line (as Jint reports it), or null when unknown.</param>
internal sealed record FunctionError(string FunctionName, string Message, int? Line, int? Column)
{
    /// <inheritdoc />
    public override string ToString() => Message;
}
