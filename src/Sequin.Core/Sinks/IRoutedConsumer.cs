using Sequin.Messages;

namespace Sequin.Sinks;

/// <summary>
/// A sink's routing as the runtime uses it: its routable keys and their rules, the default route of a message and the
/// static values from its options. The shared router merges
/// default ⊕ static (static mode) or default ⊕ function output (dynamic mode) and validates the result.
/// A <see cref="Sink{TOptions}"/> provides it from its route keys and routable options.
/// </summary>
public interface IRoutedConsumer
{
    /// <summary>The keys a route of this sink has, with their rules.</summary>
    IReadOnlyList<RoutableKey> Keys { get; }

    /// <summary>
    /// The default JavaScript routing function users start from (<c>function route(action, record, changes, metadata)</c>).
    /// Printed by <c>sequin functions init --sink-type &lt;type&gt;</c>.
    /// </summary>
    string DefaultRoutingFunction { get; }

    /// <summary>Sets the system default route of a message on an empty <paramref name="route"/>. Called per message: keep it cheap.</summary>
    void ApplyDefaultRoute(ChangeMessage message, Route route);

    /// <summary>Overrides <paramref name="route"/> with the static values of the sink's config (static mode only).</summary>
    /// <param name="sinkOptions">The sink's parsed options.</param>
    /// <param name="route">The route holding the defaults.</param>
    void ApplyStaticRoute(object sinkOptions, Route route);

    /// <summary>Rules that span keys or need more than <see cref="RoutableKey.Check"/>. Returns an error, or null.</summary>
    string? Validate(Route route);
}
