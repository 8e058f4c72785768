// Entry points live in the DI namespace so that `services.AddSequinConsole()` needs no extra using (STYLE.md §4, 2).
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the services of Sequin's web console (embedding: one call next to <c>AddSequinHttp</c>).</summary>
public static class SequinConsoleServiceCollectionExtensions
{
    /// <summary>
    /// Adds what <c>app.MapSequinConsole()</c> needs: Blazor static server rendering and antiforgery. Call it after
    /// <c>services.AddSequinHttp()</c>, whose token and services the console shares.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddSequinConsole(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRazorComponents();
        services.AddAntiforgery();
        return services;
    }
}
