using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Sequin.Sinks;

namespace Sequin.Sinks.Webhook;

/// <summary>
/// The connection test of <c>sequin test-connection</c> and the console: the endpoint's host resolves, accepts a TCP
/// connection, and (https) completes a TLS handshake whose certificate passes the sink's check. No request is sent, so
/// the test changes nothing at the receiver. The same in static and dynamic routing (the host is never routed).
/// </summary>
internal sealed partial class WebhookDelivery
{
    /// <summary>Resolves, connects and, for https, shakes hands; each failure says which step failed and why.</summary>
    public async Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken)
    {
        var host = _baseUri.IdnHost;
        var port = _baseUri.Port;
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            return ConnectionTestResult.Failed($"Host '{host}' does not resolve: {ex.Message}");
        }

        if (addresses.Length == 0)
        {
            return ConnectionTestResult.Failed($"Host '{host}' does not resolve to any address.");
        }

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var clock = Stopwatch.StartNew();
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            return ConnectionTestResult.Failed(string.Create(CultureInfo.InvariantCulture, $"{host}:{port} ({string.Join(", ", addresses.Select(a => a.ToString()))}) does not accept a connection: {ex.Message}"));
        }

        var connected = string.Create(CultureInfo.InvariantCulture, $"{host}:{port} accepts connections ({clock.ElapsedMilliseconds} ms)");
        if (!WebhookAddress.IsHttps(_options))
        {
            return ConnectionTestResult.Ok(connected + "; the endpoint is http, so there is no TLS to check.");
        }

        var stream = new NetworkStream(socket, ownsSocket: false);
        await using (stream.ConfigureAwait(false))
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            await using (ssl.ConfigureAwait(false))
            {
                try
                {
                    await ssl.AuthenticateAsClientAsync(
                        new SslClientAuthenticationOptions
                        {
                            TargetHost = host,
                            RemoteCertificateValidationCallback = _tls.Callback,
                            ApplicationProtocols = [SslApplicationProtocol.Http11],
                        },
                        cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
                {
                    var why = _tls.LastRefusal is { } refusal ? $" ({refusal})" : string.Empty;
                    return ConnectionTestResult.Failed($"{connected}, but the TLS handshake failed: {Describe(ex)}{why}. For a private CA give ca_file.");
                }

                var subject = ssl.RemoteCertificate?.Subject ?? "?";
                var how = _options.TlsSkipVerify ? "NOT verified (tls_skip_verify)" : _options.CaFile is null ? "verified" : "verified (system trust or ca_file)";
                return ConnectionTestResult.Ok($"{connected}; TLS handshake done, certificate '{subject}' {how}.");
            }
        }
    }
}
