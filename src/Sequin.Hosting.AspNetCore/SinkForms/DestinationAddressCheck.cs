using System.Net;
using System.Net.Sockets;

namespace Sequin.Hosting.AspNetCore.SinkForms;

/// <summary>
/// Keeps the connection test of a proposed sink (someone at the console or the API, not <c>sequin.yaml</c>) away from
/// link-local and cloud metadata addresses, where it would carry the proposal's credentials to a service that hands out
/// the host's own (SSRF). Every destination value that names a host (a URL, <c>host:port</c> pairs, an IP address) is
/// checked, for every sink type; names are resolved and each address checked (docs/reference/security.md, "Test connection").
/// </summary>
internal static class DestinationAddressCheck
{
    /// <summary>How long resolving one name may take; a name that does not resolve is left to the test, which then fails.</summary>
    public static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    // Names of metadata services that resolve only inside their clouds (refused before resolving).
    private static readonly string[] MetadataNames =
    [
        "metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal", "metadata.azure.com",
        "metadata.tencentyun.com", "metadata.platformequinix.com",
    ];

    // Metadata addresses outside the link-local ranges: Alibaba Cloud, Azure's wire server, AWS's IPv6 IMDS, Oracle's.
    private static readonly IPAddress[] MetadataAddresses =
    [
        IPAddress.Parse("100.100.100.200"), IPAddress.Parse("168.63.129.16"), IPAddress.Parse("fd00:ec2::254"), IPAddress.Parse("192.0.0.192"),
    ];

    /// <summary>Why the test may not run against <paramref name="values"/> (the proposal's non-secret destination values), or null.</summary>
    public static async Task<string?> ProblemAsync(IEnumerable<KeyValuePair<string, string?>> values, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var (key, value) in values)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            // A key named host (the webhook sink's scheme/host form) holds a host even as a bare word such as "metadata".
            foreach (var host in IsHostKey(key) ? [value.Trim()] : Hosts(value))
            {
                if (await HostProblemAsync(host, cancellationToken).ConfigureAwait(false) is { } problem)
                {
                    return $"destination.{key}: {problem} The connection test does not reach link-local or cloud metadata addresses.";
                }
            }
        }

        return null;
    }

    private static bool IsHostKey(string key) =>
        string.Equals(key, "host", StringComparison.OrdinalIgnoreCase) || string.Equals(key, "hostname", StringComparison.OrdinalIgnoreCase);

    /// <summary>The host names in a destination value: a URL's host, each host of a <c>host:port,host:port</c> list, or an IP address or metadata name.</summary>
    internal static IEnumerable<string> Hosts(string value)
    {
        var text = value.Trim();
        if (text.Contains("://", StringComparison.Ordinal))
        {
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Host.Length > 0)
            {
                yield return uri.Host;
            }

            yield break;
        }

        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // host:port, [v6]:port, or a bare IP address or metadata name (a bare word is not taken for a host: it may be a topic).
            if (Uri.TryCreate("tcp://" + item, UriKind.Absolute, out var uri) && uri.Host.Length > 0 && uri.AbsolutePath == "/" && uri.Query.Length == 0
                && (!uri.IsDefaultPort || Uri.CheckHostName(uri.Host.Trim('[', ']')) is UriHostNameType.IPv4 or UriHostNameType.IPv6 || (IsMetadataName(uri.Host) && uri.Host.Contains('.', StringComparison.Ordinal))))
            {
                yield return uri.Host;
            }
            else if (IPAddress.TryParse(item, out _))
            {
                yield return item;
            }
        }
    }

    /// <summary>Whether <paramref name="address"/> is link-local (169.254.0.0/16, fe80::/10) or a known metadata address.</summary>
    internal static bool IsForbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            if (bytes[0] == 169 && bytes[1] == 254)
            {
                return true;
            }
        }
        else if (address.IsIPv6LinkLocal)
        {
            return true;
        }
        else
        {
            address = new IPAddress(address.GetAddressBytes()); // without a scope id, to compare
        }

        return MetadataAddresses.Contains(address);
    }

    private static bool IsMetadataName(string host) => MetadataNames.Contains(host.TrimEnd('.'), StringComparer.OrdinalIgnoreCase);

    private static async Task<string?> HostProblemAsync(string host, CancellationToken cancellationToken)
    {
        if (IsMetadataName(host))
        {
            return $"'{host}' is a cloud metadata service.";
        }

        var literal = host.Trim('[', ']');
        if (IPAddress.TryParse(literal, out var address))
        {
            return IsForbidden(address) ? $"'{host}' is a link-local or cloud metadata address." : null;
        }

        IPAddress[] addresses;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResolveTimeout);
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, timeout.Token).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return null; // does not resolve: the test cannot connect anywhere
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        return addresses.Any(IsForbidden) ? $"'{host}' resolves to a link-local or cloud metadata address." : null;
    }
}
