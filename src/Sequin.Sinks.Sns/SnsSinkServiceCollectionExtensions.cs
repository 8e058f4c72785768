using Sequin.Sinks;
using Sequin.Sinks.Sns;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SNS sink for hosts that reference the package instead of loading it from <c>plugins/</c>.</summary>
public static class SnsSinkServiceCollectionExtensions
{
    /// <summary>Registers <see cref="SnsSinkPlugin"/> as an <see cref="ISinkPlugin"/> (once, however often it is called).</summary>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddSnsSink(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddSinkPlugin<SnsSinkPlugin>(); // the plugin and the catalog AddSequin reads
    }
}
