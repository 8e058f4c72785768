using Microsoft.Extensions.Configuration;

namespace Sequin.Configuration;

/// <summary>
/// Reads the original's top-level <c>http_endpoints:</c> list: named HTTP endpoints (<c>url</c>, or <c>scheme</c>,
/// <c>host</c>, <c>port</c>, <c>path</c>, <c>query</c>; <c>headers</c>, <c>encrypted_headers</c>) that a sink's
/// <c>destination.http_endpoint</c> names. Here only the names and keys are checked; the sink that uses an endpoint
/// parses its values as its own destination keys (<see cref="HttpEndpointReference"/>), so its errors name the
/// endpoint's key path.
/// </summary>
internal static class HttpEndpointsReader
{
    /// <summary>The keys of an endpoint besides <c>name</c>, as in the original.</summary>
    public static readonly string[] Keys = ["url", "scheme", "userinfo", "host", "port", "path", "query", "fragment", "headers", "encrypted_headers"];

    public static List<HttpEndpointItem> Read(ConfigMap top)
    {
        var items = top.List("http_endpoints") ?? [];
        var result = new List<HttpEndpointItem>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var path = ConfigReader.Item("http_endpoints", i);
            ConfigMap.CheckDuplicateName(top.Reader, items[i], path, names, "HTTP endpoint");
            if (ConfigMap.Item(top.Reader, items[i], path) is not { } map)
            {
                continue;
            }

            var name = map.Name();
            if (map.Boolean("use_local_tunnel") == true)
            {
                map.Error("use_local_tunnel", "Not supported: this project has no local tunnel; give the endpoint's address (url, or scheme and host) reachable from the host.");
            }

            foreach (var key in Keys)
            {
                map.Ignored(key, null); // declared: read by the sink that uses the endpoint
            }

            map.RejectUnknown();
            if (name is not null)
            {
                result.Add(new HttpEndpointItem(name, path, items[i]));
            }
        }

        return result;
    }
}

/// <summary>One <c>http_endpoints[]</c> item: its name, key path and keys.</summary>
internal sealed record HttpEndpointItem(string Name, string Path, IConfigurationSection Section)
{
    /// <summary>The keys a sink's destination takes from the endpoint: all but <c>name</c> and <c>use_local_tunnel</c>.</summary>
    public IEnumerable<IConfigurationSection> Keys() =>
        Section.GetChildren().Where(c => HttpEndpointsReader.Keys.Contains(c.Key, StringComparer.OrdinalIgnoreCase));
}
