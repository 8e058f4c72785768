using Sequin.Sinks;
using Sequin.Sinks.RabbitMq;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the rabbitmq sink in a host that references the package instead of loading it from <c>plugins/</c>.</summary>
public static class RabbitMqSinkServiceCollectionExtensions
{
    /// <summary>Registers <see cref="RabbitMqSink"/> so that <c>destination.type: rabbitmq</c> resolves to it; twice registers it once.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddRabbitMqSink(this IServiceCollection services) => services.AddSinkPlugin<RabbitMqSink>();
}
