using Sequin.Messages;

namespace Sequin.Sinks;

/// <summary>Base class for a sink's <see cref="IRoutedConsumer"/> with typed options.</summary>
/// <typeparam name="TOptions">The sink's options class.</typeparam>
public abstract class RoutedConsumer<TOptions> : IRoutedConsumer
    where TOptions : class
{
    /// <inheritdoc />
    public abstract IReadOnlyList<RoutableKey> Keys { get; }

    /// <inheritdoc />
    public abstract string DefaultRoutingFunction { get; }

    /// <inheritdoc />
    public abstract void ApplyDefaultRoute(ChangeMessage message, Route route);

    /// <inheritdoc />
    public void ApplyStaticRoute(object sinkOptions, Route route)
    {
        if (sinkOptions is not TOptions typed)
        {
            throw new ArgumentException($"Expected options of type {typeof(TOptions).Name}.", nameof(sinkOptions));
        }

        ApplyStaticRoute(typed, route);
    }

    /// <inheritdoc />
    public virtual string? Validate(Route route) => null;

    /// <summary>Overrides the route with the static values of the sink's config. Default: no overrides.</summary>
    protected virtual void ApplyStaticRoute(TOptions options, Route route)
    {
    }
}
