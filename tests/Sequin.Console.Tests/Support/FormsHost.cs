using Microsoft.Extensions.DependencyInjection;
using Sequin.Configuration;
using Sequin.Hosting.AspNetCore.Tests.Support;

namespace Sequin.WebConsole.Tests.Support;

/// <summary>The host with the console on 127.0.0.1 (no sign-in), offering the sink types of <paramref name="catalog"/>.</summary>
internal static class FormsHost
{
    public static Task<ApiHost> StartAsync(PostgresFixture postgres, string prefix, ISinkPluginCatalog catalog) =>
        ApiHost.StartWithServicesAsync(postgres, prefix, "127.0.0.1:0", withToken: false, s => s.AddSequinConsoleToListener(), [.. catalog.Plugins]);
}
