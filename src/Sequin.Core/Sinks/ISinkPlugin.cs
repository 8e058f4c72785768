namespace Sequin.Sinks;

/// <summary>
/// The entry point of a sink assembly. The host finds it through <see cref="SequinSinkPluginAttribute"/> (or by
/// scanning for a public parameterless class implementing this interface) and reaches the sink's four parts through it.
/// Derive from <see cref="Sink{TOptions}"/>: an options class and a delivery are all a sink needs.
/// </summary>
public interface ISinkPlugin
{
    /// <summary>The <c>destination.type</c> name, lower case, e.g. <c>kafka</c>.</summary>
    string TypeName { get; }

    /// <summary>A one-line description for <c>sequin plugins</c> and docs.</summary>
    string Description { get; }

    /// <summary>The configuration schema.</summary>
    ISinkSchema Schema { get; }

    /// <summary>The routing: routable keys, default and static routes, default routing function.</summary>
    IRoutedConsumer Routing { get; }

    /// <summary>Creates the client of one configured sink. Called once per sink, not per message.</summary>
    /// <param name="options">The options <see cref="Schema"/> parsed.</param>
    /// <param name="context">The sink's context.</param>
    ISinkClient CreateClient(object options, SinkContext context);

    /// <summary>Creates the pipeline of one configured sink over its client. Called once per sink.</summary>
    ISinkPipeline CreatePipeline(object options, ISinkClient client, SinkContext context);

    /// <summary>What the destination accepts with these options (batch size and message size limits). Default: <see cref="SinkLimits.Default"/>.</summary>
    /// <param name="options">The options <see cref="Schema"/> parsed.</param>
    SinkLimits GetLimits(object options) => SinkLimits.Default;
}
