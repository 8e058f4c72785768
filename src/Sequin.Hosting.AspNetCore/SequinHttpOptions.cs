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
}
