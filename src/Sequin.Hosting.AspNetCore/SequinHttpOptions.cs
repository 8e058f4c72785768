namespace Sequin.Hosting.AspNetCore;

/// <summary>
/// How <c>app.MapSequin()</c>'s endpoints are protected (docs/reference/http-api.md, "Security"). Set with
/// <c>services.AddSequinHttp(o =&gt; ...)</c>.
/// </summary>
public sealed class SequinHttpOptions
{
    /// <summary>The environment variable read for <see cref="Token"/> when it is not set in code or in <c>http.token</c>.</summary>
    public const string TokenEnvironmentVariable = "SEQUIN_HTTP_TOKEN";

    /// <summary>
    /// The bearer token every request must carry (<c>Authorization: Bearer &lt;token&gt;</c>), compared in constant time.
    /// Null: taken from <c>http.token</c> of the registered <see cref="Configuration.SequinConfig"/>, then from
    /// <see cref="TokenEnvironmentVariable"/>; still null, only requests from a loopback address are answered.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// Host names, besides <c>localhost</c>, <c>127.0.0.1</c> and <c>[::1]</c>, that requests may carry in their <c>Host</c>
    /// header (the defence against DNS rebinding); <c>*</c> accepts any. Empty: taken from <c>http.allowed_hosts</c> of
    /// the registered <see cref="Configuration.SequinConfig"/>. Embedded, IP addresses are accepted too
    /// (<see cref="AllowIpAddressHosts"/>); a name your clients use (<c>sequin.example.com</c>) must be listed here.
    /// Other hosts get 421 Misdirected Request.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>
    /// Whether a <c>Host</c> header that is an IP address (not only a loopback one) is accepted: no one else's DNS can
    /// point it here. Default: true; the <c>sequin</c> tool sets false when it listens on a loopback address.
    /// </summary>
    public bool AllowIpAddressHosts { get; set; } = true;
}
