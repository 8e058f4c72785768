namespace Sequin.Configuration;

/// <summary>
/// The host's HTTP endpoint (<c>http:</c> in <c>sequin.yaml</c>; docs/reference/http-api.md): where it listens and the
/// bearer token it requires. Absent from the file, the endpoint is off.
/// </summary>
/// <param name="Host">The address to bind (<c>listen</c>, before the last ':'): an IP address or <c>localhost</c>.</param>
/// <param name="Port">The port to bind (<c>listen</c>, after the last ':'); 0 picks a free one.</param>
/// <param name="Token">The bearer token requests must carry (<c>token</c>), or null; a secret, never exported or logged.</param>
public sealed record HttpConfig(string Host, int Port, string? Token)
{
    /// <summary>The default <c>listen</c>: loopback, port 7376.</summary>
    public const string DefaultListen = "127.0.0.1:7376";

    /// <summary>
    /// Host names besides the listen address's own that requests may carry in their <c>Host</c> header
    /// (<c>allowed_hosts</c>), e.g. the name a reverse proxy forwards; <c>*</c> accepts any. Default: none (a loopback
    /// bind answers only localhost, 127.0.0.1 and [::1]; other binds also their IP addresses).
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Whether <see cref="Host"/> is a loopback address (<c>localhost</c>, 127.0.0.0/8, ::1).</summary>
    public bool IsLoopback =>
        string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(Host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));

    /// <inheritdoc />
    public override string ToString() => $"HttpConfig {{ Host = {Host}, Port = {Port}, Token = {(Token is null ? "(none)" : "***")}, AllowedHosts = [{string.Join(", ", AllowedHosts)}] }}";
}
