using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Sequin.Sinks.Typesense.Tests.Support;
using Sequin.TestServers;

namespace Sequin.Sinks.Typesense.Tests;

/// <summary>
/// The Typesense behaviour the sink relies on, checked on the test target: against a real server (TYPESENSE_URL and
/// TYPESENSE_API_KEY set) these pin the fake to the real thing; otherwise they pin the fake's shapes.
/// </summary>
public sealed class TypesenseServerBehaviourTests : IClassFixture<TypesenseTarget>, IDisposable
{
    private readonly TypesenseTarget _target;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public TypesenseServerBehaviourTests(TypesenseTarget target) => _target = target;

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string? body = null, string? key = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, _target.Url + path);
        request.Headers.Add("X-TYPESENSE-API-KEY", key ?? _target.ApiKey);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }

        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HealthAnswersOk()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "/health");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(JsonNode.Parse(body)!["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task WrongKeyGets401WithTypesensesMessage()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "/collections", key: "wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(TypesenseFakeServer.UnauthorizedMessage, JsonNode.Parse(body)!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task MissingCollectionGets404WithAMessage()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "/collections/" + Some.UniqueCollection());

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.False(string.IsNullOrEmpty(JsonNode.Parse(body)!["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CreatingAnExistingCollectionGets409()
    {
        var name = await _target.CreateCollectionAsync(Some.UniqueCollection());

        var (status, body) = await SendAsync(HttpMethod.Post, "/collections", $"{{\"name\":\"{name}\",\"fields\":[{{\"name\":\".*\",\"type\":\"auto\"}}]}}");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("already exists", JsonNode.Parse(body)!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportAnswersOneLinePerDocumentAndRejectsNumericIds()
    {
        var name = await _target.CreateCollectionAsync(Some.UniqueCollection());

        var (status, body) = await SendAsync(HttpMethod.Post, $"/collections/{name}/documents/import?action=emplace",
            "{\"id\":\"1\",\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\"}\n{\"id\":\"3\",\"name\":\"c\"}", contentType: "text/plain");

        Assert.Equal(HttpStatusCode.OK, status);
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(3, lines.Length);
        Assert.True(lines[0]["success"]!.GetValue<bool>());
        Assert.False(lines[1]["success"]!.GetValue<bool>());
        Assert.Equal("Document's `id` field should be a string.", lines[1]["error"]!.GetValue<string>());
        Assert.True(lines[2]["success"]!.GetValue<bool>());
    }

    [Fact]
    public async Task DeleteByIdFilterDeletesOnlyThoseDocuments()
    {
        var name = await _target.CreateCollectionAsync(Some.UniqueCollection());
        foreach (var id in new[] { "1", "2", "3" })
        {
            await _target.IndexAsync(name, $"{{\"id\":\"{id}\",\"name\":\"n{id}\"}}");
        }

        var (status, body) = await SendAsync(HttpMethod.Delete, $"/collections/{name}/documents?filter_by={Uri.EscapeDataString("id:[`1`,`3`,`9`]")}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, JsonNode.Parse(body)!["num_deleted"]!.GetValue<int>());
        Assert.NotNull(await _target.GetDocumentAsync(name, "2"));
        Assert.Null(await _target.GetDocumentAsync(name, "1"));
    }

    [Fact]
    public async Task DeleteOfAMissingDocumentWithIgnoreNotFoundSucceeds()
    {
        var name = await _target.CreateCollectionAsync(Some.UniqueCollection());

        var (ignored, _) = await SendAsync(HttpMethod.Delete, $"/collections/{name}/documents/nope?ignore_not_found=true");
        var (strict, body) = await SendAsync(HttpMethod.Delete, $"/collections/{name}/documents/nope");

        Assert.Equal(HttpStatusCode.OK, ignored);
        Assert.Equal(HttpStatusCode.NotFound, strict);
        Assert.Contains("nope", JsonNode.Parse(body)!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
