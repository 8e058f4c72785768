using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sequin.Configuration;

namespace Sequin.Hosting.AspNetCore;

/// <summary>Registers the <c>sequin</c> tool's listener (<see cref="SequinHttpListener"/>) on its generic host.</summary>
internal static class SequinHttpListenerServiceCollectionExtensions
{
    /// <summary>Adds the listener for <paramref name="http"/>, started after the runtime; <paramref name="token"/> is the resolved bearer token.</summary>
    public static IServiceCollection AddSequinHttpListener(this IServiceCollection services, HttpConfig http, string? token)
    {
        services.AddSingleton(sp => new SequinHttpListener(http, token, sp, sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService(sp => sp.GetRequiredService<SequinHttpListener>());
        return services;
    }
}
