using Microsoft.Extensions.Options;
using Sequin.Configuration;

namespace Sequin.Hosting.AspNetCore;

/// <summary>
/// Fills <see cref="SequinHttpOptions.Token"/> from <c>http.token</c>, then <c>SEQUIN_HTTP_TOKEN</c>, when code left it unset;
/// and <see cref="SequinHttpOptions.AllowedHosts"/> from <c>http.allowed_hosts</c> when code left it empty.
/// </summary>
internal sealed class SequinHttpTokenDefaults : IPostConfigureOptions<SequinHttpOptions>
{
    private readonly SequinServices _services;

    public SequinHttpTokenDefaults(SequinServices services) => _services = services;

    public void PostConfigure(string? name, SequinHttpOptions options)
    {
        if (options.AllowedHosts.Count == 0 && _services.Config?.Http?.AllowedHosts is { Count: > 0 } hosts)
        {
            foreach (var host in hosts)
            {
                options.AllowedHosts.Add(host);
            }
        }

        if (options.Token is { Length: > 0 })
        {
            return;
        }

        options.Token = _services.Config?.Http?.Token is { Length: > 0 } configured
            ? configured
            : Environment.GetEnvironmentVariable(SequinHttpOptions.TokenEnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
    }
}
