using Microsoft.AspNetCore.Http;

namespace Sequin.Hosting.AspNetCore.Security;

/// <summary>
/// Tells a cross-site request (a page on another site making the browser call this endpoint) by its <c>Sec-Fetch-Site</c>
/// and <c>Origin</c> headers. Clients that are not browsers (curl, scripts) send neither and pass.
/// </summary>
internal static class CrossSite
{
    /// <summary>Why the request is cross-site, or null when it is not.</summary>
    public static string? Reason(HttpRequest request)
    {
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0
            && !string.Equals(fetchSite, "same-origin", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(fetchSite, "none", StringComparison.OrdinalIgnoreCase))
        {
            return $"Sec-Fetch-Site is '{fetchSite}': state-changing calls are refused from other sites.";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return null;
        }

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            return "The Origin header names another site than this endpoint: state-changing calls are refused from other sites.";
        }

        return null;
    }
}
