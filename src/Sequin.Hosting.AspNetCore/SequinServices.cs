using Microsoft.Extensions.DependencyInjection;
using Sequin.Configuration;

namespace Sequin.Hosting.AspNetCore;

/// <summary>
/// Where the endpoints find the Sequin runtime's services (configuration, runtime, plugin catalog). Embedded, that is
/// the application's own container; in the <c>sequin</c> tool the listener is a separate web application and this points
/// at the host's container (<see cref="SequinHttpListener"/>).
/// </summary>
internal sealed class SequinServices
{
    public SequinServices(IServiceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        Provider = provider;
    }

    /// <summary>The container that holds <see cref="SequinConfig"/> and <see cref="SequinRuntime"/>.</summary>
    public IServiceProvider Provider { get; }

    /// <summary>The configuration the runtime runs (the last one applied live), or null when Sequin is not registered.</summary>
    public SequinConfig? Config => Runtime?.Config ?? Provider.GetService<SequinConfig>();

    /// <summary>The runtime, or null when Sequin is not registered.</summary>
    public SequinRuntime? Runtime => Provider.GetService<SequinRuntime>();
}
