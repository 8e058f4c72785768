using Sequin.Sinks;
using Sequin.Sinks.Webhook;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the webhook sink in a host that references the package instead of loading it from <c>plugins/</c>.</summary>
public static class WebhookSinkServiceCollectionExtensions
{
    /// <summary>Registers <see cref="WebhookSink"/> so that <c>destination.type: webhook</c> resolves to it; twice registers it once.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddWebhookSink(this IServiceCollection services) => services.AddSinkPlugin<WebhookSink>();
}
