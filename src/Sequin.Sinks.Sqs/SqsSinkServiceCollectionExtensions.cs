using Sequin.Sinks;
using Sequin.Sinks.Sqs;

// The two ways a host finds this sink: in plugins/ by this attribute (no scanning), embedded by AddSqsSink().
[assembly: SequinSinkPlugin(typeof(SqsSink))]

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the sqs sink in a host that references the package instead of loading it from <c>plugins/</c>.</summary>
public static class SqsSinkServiceCollectionExtensions
{
    /// <summary>Registers <see cref="SqsSink"/> so that <c>destination.type: sqs</c> resolves to it; twice registers it once.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddSqsSink(this IServiceCollection services) => services.AddSinkPlugin<SqsSink>();
}
