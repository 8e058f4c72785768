using Sequin.Sinks;
using Sequin.Sinks.Nats;

// The two ways a host finds this sink: in plugins/ by this attribute (no scanning), embedded by AddNatsSink().
[assembly: SequinSinkPlugin(typeof(NatsSink))]

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the nats sink in a host that references the package instead of loading it from <c>plugins/</c>.</summary>
public static class NatsSinkServiceCollectionExtensions
{
    /// <summary>Registers <see cref="NatsSink"/> so that <c>destination.type: nats</c> resolves to it; twice registers it once.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddNatsSink(this IServiceCollection services) => services.AddSinkPlugin<NatsSink>();
}
