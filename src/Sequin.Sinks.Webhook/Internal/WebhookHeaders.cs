using System.Text.Json;

namespace Sequin.Sinks.Webhook;

/// <summary>
/// The headers of a request, merged as the original merges them: the endpoint's <c>headers</c>, then its
/// <c>encrypted_headers</c>, then the route's <c>headers</c> (each later one wins for the same name).
/// </summary>
internal static class WebhookHeaders
{
    // Headers the sink sets itself: a configured value would be ignored or break the request.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Host", "Transfer-Encoding", "Connection", WebhookSink.SignatureHeader,
    };

    /// <summary>Why <paramref name="name"/> cannot be a header name, or null.</summary>
    public static string? NameProblem(string name)
    {
        if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal)))
        {
            return "is not a valid header name (letters, digits and !#$%&'*+-.^_`|~).";
        }

        return Reserved.Contains(name) ? "is set by the sink itself and cannot be configured." : null;
    }

    /// <summary>The merged headers of a route (<paramref name="routeHeaders"/> is the route's JSON object text, or null).</summary>
    public static Dictionary<string, string> Merge(WebhookSinkOptions options, string? routeHeaders)
    {
        var merged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in new[] { options.Headers, options.EncryptedHeaders })
        {
            foreach (var (name, value) in source ?? new Dictionary<string, string>())
            {
                merged[name] = value;
            }
        }

        if (routeHeaders is { Length: > 2 })
        {
            using var document = JsonDocument.Parse(routeHeaders);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                merged[property.Name] = property.Value.GetString() ?? string.Empty;
            }
        }

        return merged;
    }
}
