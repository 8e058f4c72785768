using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Sequin.Hosting.AspNetCore;

/// <summary>
/// Something more the <c>sequin</c> tool's listener (<see cref="SequinHttpListener"/>) serves next to <c>MapSequin()</c>,
/// registered in the tool's host container (the web console: Sequin.Console). Not referenced from here, so that this
/// package does not depend on it.
/// </summary>
internal interface ISequinHttpListenerPart
{
    /// <summary>Adds the part's services to the listener's web application.</summary>
    void AddServices(IServiceCollection services);

    /// <summary>Adds the part's middleware and endpoints, after <c>MapSequin()</c>.</summary>
    void Map(WebApplication app);
}
