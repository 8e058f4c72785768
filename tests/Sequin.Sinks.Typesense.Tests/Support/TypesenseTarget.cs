using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Sequin.TestServers;

namespace Sequin.Sinks.Typesense.Tests.Support;

/// <summary>
/// The Typesense server tests run against: a real one when <c>TYPESENSE_URL</c> and <c>TYPESENSE_API_KEY</c> are set,
/// otherwise a <see cref="TypesenseFakeServer"/> (no Typesense server installs here). Everything goes through the
/// HTTP API, so the same tests and checks work on both. Tests use unique collection names and delete them after.
/// </summary>
public sealed class TypesenseTarget : IAsyncLifetime
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<string> _created = [];
    private TypesenseFakeServer? _fake;

    public string Url { get; private set; } = string.Empty;

    public string ApiKey { get; private set; } = string.Empty;

    /// <summary>Whether a real Typesense server is used.</summary>
    public bool IsReal => _fake is null;

    public Task InitializeAsync()
    {
        var url = Environment.GetEnvironmentVariable("TYPESENSE_URL");
        var key = Environment.GetEnvironmentVariable("TYPESENSE_API_KEY");
        if (!string.IsNullOrEmpty(url) && !string.IsNullOrEmpty(key))
        {
            Url = url.TrimEnd('/');
            ApiKey = key;
        }
        else
        {
            _fake = TypesenseFakeServer.Start();
            Url = _fake.Url;
            ApiKey = _fake.ApiKey;
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var name in _created)
        {
            using var response = await Send(HttpMethod.Delete, "/collections/" + Uri.EscapeDataString(name), null);
        }

        _http.Dispose();
        if (_fake is not null)
        {
            await _fake.DisposeAsync();
        }
    }

    /// <summary>Creates a collection through the API (fields: JSON array text; default: auto schema).</summary>
    public async Task<string> CreateCollectionAsync(string name, string fieldsJson = "[{\"name\":\".*\",\"type\":\"auto\"}]")
    {
        using var response = await Send(HttpMethod.Post, "/collections", $"{{\"name\":\"{name}\",\"fields\":{fieldsJson}}}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Creating collection {name} failed: {(int)response.StatusCode} {body}");
        _created.Add(name);
        return name;
    }

    /// <summary>Remembers a collection the sink creates, so it is deleted after the test.</summary>
    public void Track(string name) => _created.Add(name);

    public async Task<JsonObject?> GetDocumentAsync(string collection, string id)
    {
        using var response = await Send(HttpMethod.Get, $"/collections/{Uri.EscapeDataString(collection)}/documents/{Uri.EscapeDataString(id)}", null);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        Assert.True(response.IsSuccessStatusCode, $"Reading document {id} failed: {(int)response.StatusCode}");
        return await response.Content.ReadFromJsonAsync<JsonObject>();
    }

    public async Task<bool> CollectionExistsAsync(string collection)
    {
        using var response = await Send(HttpMethod.Get, "/collections/" + Uri.EscapeDataString(collection), null);
        return response.IsSuccessStatusCode;
    }

    public async Task IndexAsync(string collection, string documentJson)
    {
        using var response = await Send(HttpMethod.Post, $"/collections/{Uri.EscapeDataString(collection)}/documents?action=upsert", documentJson);
        Assert.True(response.IsSuccessStatusCode, $"Indexing failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, string? json)
    {
        var request = new HttpRequestMessage(method, Url + path);
        request.Headers.Add("X-TYPESENSE-API-KEY", ApiKey);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return _http.SendAsync(request);
    }
}
