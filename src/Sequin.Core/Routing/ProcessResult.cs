using Sequin.Functions;
using Sequin.Sinks;

namespace Sequin.Routing;

/// <summary>What happened to one message in the processing step (filter, route, transform).</summary>
internal readonly struct ProcessResult
{
    private ProcessResult(ProcessResultKind kind, RoutedMessage? message, string? error, FunctionError? functionError = null)
    {
        Kind = kind;
        Message = message;
        Error = error;
        FunctionError = functionError;
    }

    /// <summary>Routed, filtered out, or failed.</summary>
    public ProcessResultKind Kind { get; }

    /// <summary>For <see cref="ProcessResultKind.Routed"/>, the message ready for the sink.</summary>
    public RoutedMessage? Message { get; }

    /// <summary>For <see cref="ProcessResultKind.Failed"/>, a readable error naming the function and, where known, line and column.</summary>
    public string? Error { get; }

    /// <summary>For a failure inside a user function, the error with its line and column; otherwise null.</summary>
    public FunctionError? FunctionError { get; }

    /// <summary>The message passed the filter and was routed.</summary>
    public static ProcessResult Routed(RoutedMessage message) => new(ProcessResultKind.Routed, message, null);

    /// <summary>The filter dropped the message: it counts as done, it is not delivered.</summary>
    public static ProcessResult Filtered { get; } = new(ProcessResultKind.Filtered, null, null);

    /// <summary>A function threw, timed out or returned garbage, or the route is invalid: retried like a delivery failure.</summary>
    public static ProcessResult Failed(string error) => new(ProcessResultKind.Failed, null, error);

    /// <summary>A user function failed: <see cref="Error"/> is its message, <see cref="FunctionError"/> says where.</summary>
    public static ProcessResult Failed(FunctionError error) => new(ProcessResultKind.Failed, null, error?.Message, error);
}
