using Microsoft.Extensions.Options;
using Sequin.Configuration;

namespace Sequin.Hosting.AspNetCore;

/// <summary>Fills <see cref="SequinHttpOptions.Token"/> from <c>http.token</c>, then <c>SEQUIN_HTTP_TOKEN</c>, when code left it unset.</summary>
internal sealed class SequinHttpTokenDefaults : IPostConfigureOptions<SequinHttpOptions>
{
    private readonly SequinServices _services;

    public SequinHttpTokenDefaults(SequinServices services) => _services = services;

    public void PostConfigure(string? name, SequinHttpOptions options)
    {
        if (options.Token is { Length: > 0 })
        {
            return;
        }

        options.Token = _services.Config?.Http?.Token is { Length: > 0 } configured
            ? configured
            : Environment.GetEnvironmentVariable(SequinHttpOptions.TokenEnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
    }
}
