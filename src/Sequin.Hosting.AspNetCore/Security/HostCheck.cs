using System.Net;
using Microsoft.AspNetCore.Http;

namespace Sequin.Hosting.AspNetCore.Security;

/// <summary>
/// Refuses a request whose <c>Host</c> header does not name this endpoint: the defence against DNS rebinding, where a
/// page of another site points its own name at 127.0.0.1 and so reaches a loopback endpoint as "same origin". The
/// browser still sends the attacker's name in <c>Host</c>, which is what this checks (docs/reference/security.md).
/// </summary>
internal static class HostCheck
{
    /// <summary>Why the request's <c>Host</c> is refused under <paramref name="options"/>, or null when it is accepted.</summary>
    public static string? Reason(HttpRequest request, SequinHttpOptions options)
    {
        var host = request.Host.HasValue ? request.Host.Host.TrimEnd('.') : string.Empty;
        return IsAllowed(host, options)
            ? null
            : $"The Host header '{request.Host.Value}' does not name this endpoint. Allowed: localhost, 127.0.0.1, [::1]"
              + (options.AllowIpAddressHosts ? ", the machine's IP addresses" : string.Empty)
              + (options.AllowedHosts.Count > 0 ? ", " + string.Join(", ", options.AllowedHosts) : string.Empty)
              + ". Add the name the clients use to http.allowed_hosts (embedded: SequinHttpOptions.AllowedHosts).";
    }

    /// <summary>Whether <paramref name="host"/> (the <c>Host</c> header's name, without port) is accepted.</summary>
    public static bool IsAllowed(string host, SequinHttpOptions options)
    {
        if (host.Length == 0)
        {
            return false;
        }

        foreach (var allowed in options.AllowedHosts)
        {
            if (allowed == "*" || string.Equals(allowed.Trim().TrimEnd('.'), host, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // An IP address cannot be rebound by someone else's DNS: only loopback ones on a loopback bind, any otherwise.
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return Uri.CheckHostName(host) is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && IPAddress.TryParse(literal, out var address)
            && (IPAddress.IsLoopback(address) || options.AllowIpAddressHosts);
    }
}
