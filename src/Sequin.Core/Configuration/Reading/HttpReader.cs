using System.Globalization;
using System.Net;

namespace Sequin.Configuration;

/// <summary>Reads the top-level <c>http</c> map (<c>listen</c>, <c>token</c>) into an <see cref="HttpConfig"/>.</summary>
internal static class HttpReader
{
    /// <summary>The <c>http</c> section, or null when absent; reports a bad <c>listen</c> or an empty <c>token</c>.</summary>
    public static HttpConfig? Read(ConfigMap top)
    {
        if (top.Map("http") is not { } map)
        {
            return null;
        }

        var listen = map.String("listen") ?? HttpConfig.DefaultListen;
        var token = map.String("token");
        var allowedHosts = map.StringList("allowed_hosts") ?? [];
        map.RejectUnknown();
        for (var i = 0; i < allowedHosts.Count; i++)
        {
            if (!IsHostName(allowedHosts[i]))
            {
                map.Error(
                    string.Create(CultureInfo.InvariantCulture, $"allowed_hosts[{i}]"),
                    $"Expected a host name or IP address as browsers send it in the Host header, without scheme or port (e.g. 'sequin.internal', '10.0.0.5', '[fd00::5]'), or '*' for any (got '{allowedHosts[i]}').");
            }
        }

        if (token is not { Length: > 0 } && map.Has("token"))
        {
            map.Error("token", "Must not be empty; leave the key out for no token.");
        }

        if (!TryParseListen(listen, out var host, out var port))
        {
            map.Error("listen", $"Expected host:port with an IP address or 'localhost' and a port 0-65535, as in '{HttpConfig.DefaultListen}' or '[::1]:7376' (got '{listen}').");
            return null;
        }

        return new HttpConfig(host, port, token is { Length: > 0 } ? token : null) { AllowedHosts = [.. allowedHosts.Select(h => h.Trim())] };
    }

    /// <summary>Whether <paramref name="value"/> is <c>*</c>, a DNS name, an IPv4 address or a bracketed IPv6 address.</summary>
    internal static bool IsHostName(string value)
    {
        var trimmed = value.Trim();
        if (trimmed == "*")
        {
            return true;
        }

        if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
        {
            return IPAddress.TryParse(trimmed[1..^1], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }

        return Uri.CheckHostName(trimmed) is UriHostNameType.Dns or UriHostNameType.IPv4;
    }

    /// <summary>Splits <c>host:port</c> (IPv6 in brackets) and checks both parts.</summary>
    public static bool TryParseListen(string listen, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            return false;
        }

        host = listen[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            return IPAddress.TryParse(host[1..^1], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }

        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
    }
}
