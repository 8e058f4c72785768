namespace Sequin.Sinks;

/// <summary>Base class for a sink's entry point with typed options and client.</summary>
/// <typeparam name="TOptions">The sink's options class.</typeparam>
/// <typeparam name="TClient">The sink's client class.</typeparam>
public abstract class SinkPlugin<TOptions, TClient> : ISinkPlugin
    where TOptions : class
    where TClient : ISinkClient
{
    /// <inheritdoc />
    public abstract string TypeName { get; }

    /// <inheritdoc />
    public abstract string Description { get; }

    /// <inheritdoc />
    public abstract ISinkSchema Schema { get; }

    /// <inheritdoc />
    public abstract IRoutedConsumer Routing { get; }

    /// <inheritdoc />
    public ISinkClient CreateClient(object options, SinkContext context) => CreateClient(Cast(options), context);

    /// <inheritdoc />
    public ISinkPipeline CreatePipeline(object options, ISinkClient client, SinkContext context)
    {
        if (client is not TClient typed)
        {
            throw new ArgumentException($"Expected a client of type {typeof(TClient).Name}.", nameof(client));
        }

        return CreatePipeline(Cast(options), typed, context);
    }

    /// <summary>Creates the typed client.</summary>
    protected abstract TClient CreateClient(TOptions options, SinkContext context);

    /// <summary>Creates the typed pipeline.</summary>
    protected abstract ISinkPipeline CreatePipeline(TOptions options, TClient client, SinkContext context);

    private static TOptions Cast(object options) =>
        options as TOptions ?? throw new ArgumentException($"Expected options of type {typeof(TOptions).Name}.", nameof(options));
}
