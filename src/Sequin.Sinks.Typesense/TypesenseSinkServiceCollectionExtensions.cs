using Sequin.Sinks.Typesense;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Typesense sink in a host that references the package instead of loading it from <c>plugins/</c>.</summary>
public static class TypesenseSinkServiceCollectionExtensions
{
    /// <summary>Registers <see cref="TypesenseSink"/> so that <c>destination.type: typesense</c> resolves to it; twice registers it once.</summary>
    public static IServiceCollection AddTypesenseSink(this IServiceCollection services) => services.AddSinkPlugin<TypesenseSink>();
}
