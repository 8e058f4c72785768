using Sequin.Sinks;
using Sequin.Sinks.Postgres;

// The two ways a host finds this sink: in plugins/ by this attribute (no scanning), embedded by AddPostgresSink().
[assembly: SequinSinkPlugin(typeof(PostgresSink))]

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the postgres sink in a host that references the package instead of loading it from <c>plugins/</c>.</summary>
public static class PostgresSinkServiceCollectionExtensions
{
    /// <summary>Registers <see cref="PostgresSink"/> so that <c>destination.type: postgres</c> resolves to it; twice registers it once.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddPostgresSink(this IServiceCollection services) => services.AddSinkPlugin<PostgresSink>();
}
