using System.Globalization;
using System.Net;

namespace Sequin.Sinks.Webhook;

/// <summary>The endpoint's address from the options (<c>url</c>, or <c>scheme</c>/<c>host</c>/<c>port</c>/<c>path</c>/<c>query</c>), and a route's request URL.</summary>
internal static class WebhookAddress
{
    public static bool IsHttps(WebhookSinkOptions options) =>
        string.Equals(options.Url?.Scheme ?? options.Scheme, "https", StringComparison.OrdinalIgnoreCase);

    public static bool IsLoopback(WebhookSinkOptions options) => BaseUri(options) is { IsLoopback: true };

    /// <summary>The endpoint's base URL without user info (sent as basic authentication instead), or null when it has none.</summary>
    public static Uri? BaseUri(WebhookSinkOptions options)
    {
        if (options.Url is { } url)
        {
            return new UriBuilder(url) { UserName = string.Empty, Password = string.Empty, Fragment = string.Empty }.Uri;
        }

        if (options.Host is null || options.Scheme is null)
        {
            return null;
        }

        var builder = new UriBuilder(options.Scheme.ToLowerInvariant(), options.Host)
        {
            Port = options.Port ?? -1,
            Path = options.Path ?? string.Empty,
            Query = options.Query ?? string.Empty,
        };
        return builder.Uri;
    }

    /// <summary>The user info for basic authentication: the <c>userinfo</c> key, or a <c>url</c>'s own; null when none.</summary>
    public static string? UserInfo(WebhookSinkOptions options) =>
        options.Userinfo ?? (options.Url is { UserInfo.Length: > 0 } url ? WebUtility.UrlDecode(url.UserInfo) : null);

    /// <summary>
    /// The request URL of a route: the base URL's path with <paramref name="endpointPath"/> appended (a path, or a query
    /// starting with <c>?</c> that replaces the base's); a fragment is dropped (never sent over HTTP).
    /// </summary>
    public static Uri RequestUri(Uri baseUri, string endpointPath)
    {
        if (endpointPath.Length == 0)
        {
            return baseUri;
        }

        var hash = endpointPath.IndexOf('#', StringComparison.Ordinal);
        var path = hash >= 0 ? endpointPath[..hash] : endpointPath;
        var question = path.IndexOf('?', StringComparison.Ordinal);
        var extraPath = question >= 0 ? path[..question] : path;
        var query = question >= 0 ? path[(question + 1)..] : baseUri.Query.TrimStart('?');
        var basePath = baseUri.AbsolutePath;
        var joined = extraPath.Length == 0 ? basePath : basePath.TrimEnd('/') + extraPath;
        return new UriBuilder(baseUri) { Path = joined, Query = query }.Uri;
    }

    /// <summary>Where the request went, for errors: scheme, host, port and path (no query: it may hold a token).</summary>
    public static string Describe(HttpMethod method, Uri uri) =>
        string.Create(CultureInfo.InvariantCulture, $"{method.Method} {uri.GetLeftPart(UriPartial.Path)}");
}
