namespace Sequin.Routing;

/// <summary>The kinds of <see cref="ProcessResult"/>.</summary>
internal enum ProcessResultKind
{
    /// <summary>Ready for the sink.</summary>
    Routed,

    /// <summary>Dropped by the filter function; done.</summary>
    Filtered,

    /// <summary>Failed; retried with backoff.</summary>
    Failed,
}
