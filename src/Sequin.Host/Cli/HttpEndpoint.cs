using System.Diagnostics.CodeAnalysis;
using Sequin.Configuration;
using Sequin.Hosting.AspNetCore;

namespace Sequin.Host.Cli;

/// <summary>
/// Decides <c>sequin run</c>'s HTTP endpoint: <c>http:</c> from <c>sequin.yaml</c>, its <c>listen</c> replaced by
/// <c>--http-listen</c>, its token from <c>http.token</c> or <c>SEQUIN_HTTP_TOKEN</c>.
/// </summary>
internal static class HttpEndpoint
{
    /// <summary>
    /// The endpoint to start (null: off) and its token; false with <paramref name="problem"/> for a bad
    /// <c>--http-listen</c> or a non-loopback address without a token.
    /// </summary>
    public static bool TryResolve(
        HttpConfig? configured,
        string? listen,
        Func<string, string?> getEnvironmentVariable,
        out HttpConfig? http,
        out string? token,
        [NotNullWhen(false)] out string? problem)
    {
        http = configured;
        token = null;
        problem = null;
        if (listen is not null)
        {
            if (!HttpReader.TryParseListen(listen, out var host, out var port))
            {
                problem = $"--http-listen: Expected host:port with an IP address or 'localhost' and a port 0-65535, as in '{HttpConfig.DefaultListen}' or '[::1]:7376' (got '{listen}').";
                return false;
            }

            http = configured is null ? new HttpConfig(host, port, null) : configured with { Host = host, Port = port };
        }

        if (http is null)
        {
            return true;
        }

        token = http.Token ?? (getEnvironmentVariable(SequinHttpOptions.TokenEnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null);
        problem = SequinHttpListener.Problem(http, token);
        return problem is null;
    }
}
