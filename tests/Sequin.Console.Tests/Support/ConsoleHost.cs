using Sequin.Hosting.AspNetCore.Tests.Support;

namespace Sequin.WebConsole.Tests.Support;

/// <summary>Starts <see cref="ApiHost"/> (the host as <c>sequin run</c> builds it with <c>http:</c>) with the console on its listener.</summary>
internal static class ConsoleHost
{
    /// <summary>On 127.0.0.1 without a token: a browser on this machine needs no sign-in.</summary>
    public static Task<ApiHost> StartLoopbackAsync(PostgresFixture postgres, string prefix) =>
        ApiHost.StartWithServicesAsync(postgres, prefix, "127.0.0.1:0", withToken: false, s => s.AddSequinConsoleToListener());

    /// <summary>On every address with <see cref="ApiHost.Token"/>: a browser signs in on the login page.</summary>
    public static Task<ApiHost> StartWithTokenAsync(PostgresFixture postgres, string prefix) =>
        ApiHost.StartWithServicesAsync(postgres, prefix, "0.0.0.0:0", withToken: true, s => s.AddSequinConsoleToListener());
}
