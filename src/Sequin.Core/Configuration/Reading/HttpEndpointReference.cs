using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Sequin.Configuration;

/// <summary>
/// A <c>destination:</c> with <c>http_endpoint: &lt;name&gt;</c>: the named <c>http_endpoints[]</c> item's keys join
/// the destination's own, so the sink parses them as its destination keys (the webhook sink's <c>url</c>,
/// <c>headers</c>, ...). A key given in both places is an error; errors on the endpoint's keys name the endpoint.
/// </summary>
internal static class HttpEndpointReference
{
    public const string Key = "http_endpoint";

    /// <summary>
    /// The destination as the sink parses it, and the keys that came from the endpoint (empty when it names none).
    /// Reports an unknown endpoint name and keys given twice.
    /// </summary>
    public static (IConfiguration Destination, HttpEndpointItem? Endpoint) Resolve(ConfigMap destination, IReadOnlyList<HttpEndpointItem> endpoints)
    {
        var name = destination.Section[Key]?.Trim();
        if (string.IsNullOrEmpty(name) || destination.Section.GetSection(Key).GetChildren().Any())
        {
            return (destination.Section, null);
        }

        var endpoint = endpoints.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.Ordinal));
        if (endpoint is null)
        {
            var known = endpoints.Count == 0 ? "No http_endpoints are defined." : $"Defined: {string.Join(", ", endpoints.Select(e => e.Name))}.";
            destination.Error(Key, $"HTTP endpoint '{name}' is not defined in http_endpoints. {known}");
            return (destination.Section, null);
        }

        var extra = new List<IConfigurationSection>();
        foreach (var key in endpoint.Keys())
        {
            if (ConfigReader.IsPresent(destination.Section.GetSection(key.Key)))
            {
                destination.Error(key.Key, $"Given both here and in {endpoint.Path} ('{endpoint.Name}', named by http_endpoint); keep one.");
                continue;
            }

            extra.Add(key);
        }

        return (new Merged(destination.Section, extra), endpoint);
    }

    /// <summary>The path of an error the sink reported on <paramref name="errorPath"/>: the endpoint's own key path when the key came from it.</summary>
    public static string PathOf(string errorPath, string destinationPath, HttpEndpointItem? endpoint)
    {
        if (endpoint is null || !errorPath.StartsWith(destinationPath + ".", StringComparison.Ordinal))
        {
            return errorPath;
        }

        var rest = errorPath[(destinationPath.Length + 1)..];
        var key = rest.Split('.', '[')[0];
        return endpoint.Keys().Any(k => string.Equals(k.Key, key, StringComparison.OrdinalIgnoreCase))
            ? ConfigReader.Child(endpoint.Path, rest)
            : errorPath;
    }

    /// <summary>The destination's keys followed by the endpoint's.</summary>
    private sealed class Merged(IConfiguration first, IReadOnlyList<IConfigurationSection> extra) : IConfiguration
    {
        public string? this[string key]
        {
            get => GetSection(key).Value;
            set => throw new NotSupportedException("A merged destination is read-only.");
        }

        public IEnumerable<IConfigurationSection> GetChildren() => first.GetChildren().Concat(extra);

        public IChangeToken GetReloadToken() => first.GetReloadToken();

        public IConfigurationSection GetSection(string key) =>
            extra.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase)) ?? first.GetSection(key);
    }
}
