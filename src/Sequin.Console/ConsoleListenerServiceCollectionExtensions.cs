using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sequin.Hosting.AspNetCore;

namespace Sequin.WebConsole;

/// <summary>Puts the console on the <c>sequin</c> tool's listener (registered in the tool's host container).</summary>
internal static class ConsoleListenerServiceCollectionExtensions
{
    public static IServiceCollection AddSequinConsoleToListener(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISequinHttpListenerPart, ConsoleListenerPart>());
        return services;
    }
}
