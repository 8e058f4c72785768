using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sequin.Hosting.AspNetCore;

namespace Sequin.WebConsole;

/// <summary>The console on the <c>sequin</c> tool's listener: its services, antiforgery, its pages, and <c>/</c> redirecting to it.</summary>
internal sealed class ConsoleListenerPart : ISequinHttpListenerPart
{
    public void AddServices(IServiceCollection services) => services.AddSequinConsole();

    public void Map(WebApplication app)
    {
        app.UseAntiforgery();
        app.MapGet("/", () => Results.Redirect(ConsolePaths.Root)).ExcludeFromDescription();
        app.MapSequinConsole();
    }
}
