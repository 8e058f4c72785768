using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests.Support;

/// <summary>
/// A database of its own on the shared PostgreSQL, a working folder for <c>sequin.yaml</c>, and a Typesense server:
/// a real one when <c>TYPESENSE_URL</c> and <c>TYPESENSE_API_KEY</c> are set, otherwise a <see cref="TypesenseFakeServer"/>
/// (no Typesense installs here). Documents are checked only through Typesense's HTTP API, so the same tests run against
/// both. Collection names are unique per scenario; the collections are deleted on dispose.
/// </summary>
public sealed class TypesenseScenario : DatabaseScenario
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<string> _collections = [];
    private readonly TypesenseFakeServer? _fake;

    private TypesenseScenario(PostgresServer server, string database, string directory, TypesenseFakeServer? fake, string url, string apiKey, string prefix)
        : base(server, database, directory, prefix + "_slot")
    {
        _fake = fake;
        Url = url;
        ApiKey = apiKey;
        Prefix = prefix;
    }

    /// <summary>Typesense's base URL (no trailing slash).</summary>
    public string Url { get; }

    public string ApiKey { get; }

    /// <summary>Whether a real Typesense server is used (rather than the fake).</summary>
    public bool IsReal => _fake is null;

    /// <summary>A prefix unique to this scenario, for collection names.</summary>
    public string Prefix { get; }

    public static async Task<TypesenseScenario> CreateAsync(PostgresFixture postgres, string prefix)
    {
        var (database, directory) = await CreateDatabaseAndFolderAsync(postgres, prefix);
        var unique = "e2e_" + Guid.NewGuid().ToString("N")[..10];
        var url = Environment.GetEnvironmentVariable("TYPESENSE_URL");
        var key = Environment.GetEnvironmentVariable("TYPESENSE_API_KEY");
        if (!string.IsNullOrEmpty(url) && !string.IsNullOrEmpty(key))
        {
            return new TypesenseScenario(postgres.Server, database, directory, null, url.TrimEnd('/'), key, unique);
        }

        var fake = TypesenseFakeServer.Start();
        return new TypesenseScenario(postgres.Server, database, directory, fake, fake.Url, fake.ApiKey, unique);
    }

    /// <summary>A collection name unique to this scenario (<c>&lt;prefix&gt;_&lt;name&gt;</c>), deleted on dispose.</summary>
    public string Collection(string name)
    {
        var full = Prefix + "_" + name;
        if (!_collections.Contains(full))
        {
            _collections.Add(full);
        }

        return full;
    }

    /// <summary>Creates a collection with an auto schema through the API.</summary>
    public async Task CreateCollectionAsync(string collection)
    {
        using var response = await SendAsync(HttpMethod.Post, "/collections", $$"""{"name":"{{collection}}","fields":[{"name":".*","type":"auto"}]}""");
        Assert.True(response.IsSuccessStatusCode, $"Creating collection {collection} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary><c>GET /collections/{c}/documents/{id}</c>: the document, or null when the collection or the document is not there.</summary>
    public async Task<JsonObject?> GetDocumentAsync(string collection, string id)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/collections/{Uri.EscapeDataString(collection)}/documents/{Uri.EscapeDataString(id)}", null);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        Assert.True(response.IsSuccessStatusCode, $"Reading document {collection}/{id} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonObject>();
    }

    /// <summary>Waits until the document exists and satisfies <paramref name="condition"/> (default: exists); returns it.</summary>
    public async Task<JsonObject> WaitForDocumentAsync(ChildProcess host, string collection, string id, Func<JsonObject, bool>? condition = null)
    {
        JsonObject? last = null;
        await Eventually.UntilAsync(
            async () =>
            {
                ThrowIfExited(host);
                last = await GetDocumentAsync(collection, id);
                return last is not null && (condition?.Invoke(last) ?? true);
            },
            () => $"document {collection}/{id} is there as expected (last seen: {last?.ToJsonString() ?? "none"}); host output:\n{host.Output}");
        return last!;
    }

    /// <summary>Waits until the document is gone.</summary>
    public Task WaitForNoDocumentAsync(ChildProcess host, string collection, string id) =>
        Eventually.UntilAsync(
            async () =>
            {
                ThrowIfExited(host);
                return await GetDocumentAsync(collection, id) is null;
            },
            () => $"document {collection}/{id} is deleted; host output:\n{host.Output}");

    /// <summary>
    /// Writes sequin.yaml: one database, the given <c>functions:</c> entries (YAML list items, may be empty) and
    /// <c>sinks:</c> entries. In sink text, <c>{DESTINATION}</c> is replaced by the Typesense destination's common keys
    /// (type, endpoint_url, api_key), indented to match.
    /// </summary>
    public string WriteConfig(string sinks, string functions = "")
    {
        var destination = $"""
            type: typesense
            endpoint_url: "{Url}"
            api_key: "{ApiKey}"
            """;
        var builder = new StringBuilder();
        builder.Append(DatabasesYaml);
        if (!string.IsNullOrWhiteSpace(functions))
        {
            builder.Append("functions:\n").Append(functions.TrimEnd('\n')).Append("\n\n");
        }

        var sinkLines = new StringBuilder();
        foreach (var line in sinks.TrimEnd('\n').Split('\n'))
        {
            var at = line.IndexOf("{DESTINATION}", StringComparison.Ordinal);
            if (at < 0)
            {
                sinkLines.Append(line).Append('\n');
                continue;
            }

            var indent = new string(' ', at);
            foreach (var destinationLine in destination.Split('\n'))
            {
                sinkLines.Append(indent).Append(destinationLine).Append('\n');
            }
        }

        builder.Append("sinks:\n").Append(sinkLines);
        File.WriteAllText(ConfigPath, builder.ToString());
        return ConfigPath;
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var collection in _collections)
        {
            try
            {
                using var response = await SendAsync(HttpMethod.Delete, "/collections/" + Uri.EscapeDataString(collection), null);
            }
            catch (HttpRequestException)
            {
                // Best effort.
            }
        }

        _http.Dispose();
        if (_fake is not null)
        {
            await _fake.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    private static void ThrowIfExited(ChildProcess host)
    {
        if (host.HasExited)
        {
            throw new InvalidOperationException($"The host exited ({host.ExitCode}):\n{host.Output}");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json)
    {
        using var request = new HttpRequestMessage(method, Url + path);
        request.Headers.Add("X-TYPESENSE-API-KEY", ApiKey);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await _http.SendAsync(request);
    }
}
