using Sequin.Sinks;
using Sequin.Sinks.Kafka;

// The two ways a host finds this sink: in plugins/ by this attribute (no scanning), embedded by AddKafkaSink().
[assembly: SequinSinkPlugin(typeof(KafkaSink))]

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Kafka sink for hosts that reference the package instead of loading it from <c>plugins/</c>.</summary>
public static class KafkaSinkServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="KafkaSink"/> as an <see cref="ISinkPlugin"/>, so that <c>destination.type: kafka</c>
    /// resolves to it. Calling it twice registers it once.
    /// </summary>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddKafkaSink(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddSinkPlugin<KafkaSink>(); // the plugin and the catalog AddSequin reads
    }
}
