using Sequin.Functions;

namespace Sequin.Routing;

/// <summary>What <see cref="RoutingTrial"/> found for one sample message.</summary>
/// <param name="Outcome">Routed, filtered out, or failed.</param>
/// <param name="Route">The resolved route, every routable key of the sink with its value (null when unset).</param>
/// <param name="GroupId">The message's group id, or null without grouping.</param>
/// <param name="Payload">The UTF-8 JSON the sink would receive, as text; null unless routed.</param>
/// <param name="IsTransformed">Whether the payload is a transform function's output.</param>
/// <param name="Error">Why the message failed; null unless failed.</param>
/// <param name="FunctionError">For an error inside a function (syntax or runtime), where it is: line and column.</param>
internal sealed record RoutingTrialResult(
    RoutingTrialOutcome Outcome,
    IReadOnlyList<KeyValuePair<string, string?>> Route,
    string? GroupId,
    string? Payload,
    bool IsTransformed,
    string? Error,
    FunctionError? FunctionError)
{
    /// <summary>A failed trial.</summary>
    public static RoutingTrialResult Failed(string error, FunctionError? functionError) =>
        new(RoutingTrialOutcome.Failed, [], null, null, false, error, functionError);
}
