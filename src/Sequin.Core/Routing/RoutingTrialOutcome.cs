namespace Sequin.Routing;

/// <summary>How a <see cref="RoutingTrial"/> ended.</summary>
internal enum RoutingTrialOutcome
{
    /// <summary>The message passed the filter and was routed.</summary>
    Routed,

    /// <summary>The filter function dropped the message.</summary>
    Filtered,

    /// <summary>A function failed (syntax or runtime) or the route is invalid.</summary>
    Failed,
}
