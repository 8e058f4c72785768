using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sequin.Configuration;
using Sequin.Hosting.AspNetCore.Tests.Support;

namespace Sequin.Hosting.AspNetCore.Tests;

/// <summary>
/// Issue 17, security: the listener bound to 0.0.0.0 with a token answers nothing without it, refuses cross-site
/// state-changing calls, and shows neither its token nor a sink secret in any response or log line.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SecurityTests(PostgresFixture postgres)
{
    [Fact]
    public void ANonLoopbackBindWithoutATokenDoesNotStart()
    {
        Assert.Contains("http.token", SequinHttpListener.Problem(new HttpConfig("0.0.0.0", 7376, null), token: null), StringComparison.Ordinal);
        Assert.Null(SequinHttpListener.Problem(new HttpConfig("0.0.0.0", 7376, null), token: "from-the-environment-24-characters"));
        Assert.Null(SequinHttpListener.Problem(new HttpConfig("127.0.0.1", 7376, null), token: null));
    }

    [Fact]
    public async Task EveryRequestWithoutTheTokenGets401AndCrossSitePostsGet403WithNoSecretInAnyResponseOrLogLine()
    {
        await using var api = await ApiHost.StartAsync(postgres, "security");
        await api.ExecuteAsync("INSERT INTO t VALUES (1, 0)");
        await Eventually.UntilAsync(() => api.Sink.Delivered.Count == 1, () => "one delivery");

        // No token, a wrong one, a token in another scheme: 401 on every endpoint.
        using var anonymous = api.CreateClient(withToken: false);
        foreach (var path in new[] { "/api/sinks", "/api/databases", "/api/sinks/gated", "/api/sinks/gated/messages", "/openapi/v1.json" })
        {
            var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/sinks/gated/pause", null)).StatusCode);
        Assert.False(api.Consumer.IsPaused);
        foreach (var header in new[] { "Bearer " + ApiHost.Token + "x", "Bearer " + ApiHost.Token[..^1], "Basic " + ApiHost.Token })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/sinks");
            request.Headers.TryAddWithoutValidation("Authorization", header);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(request)).StatusCode);
        }

        // Cross-site state-changing calls: refused, and the sink is not paused.
        foreach (var (name, value) in new[] { ("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site"), ("Origin", "null") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sinks/gated/pause");
            request.Headers.TryAddWithoutValidation(name, value);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.Client.SendAsync(request)).StatusCode);
        }

        Assert.False(api.Consumer.IsPaused);
        using (var sameOrigin = new HttpRequestMessage(HttpMethod.Post, "/api/sinks/gated/pause"))
        {
            sameOrigin.Headers.TryAddWithoutValidation("Origin", api.Address.GetLeftPart(UriPartial.Authority));
            sameOrigin.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
            Assert.Equal(HttpStatusCode.OK, (await api.Client.SendAsync(sameOrigin)).StatusCode);
        }

        Assert.True(api.Consumer.IsPaused);
        Assert.Equal(HttpStatusCode.OK, (await api.Client.PostAsync("/api/sinks/gated/resume", null)).StatusCode);

        // With the token: every endpoint answers; the sink's configuration shows its secret field masked.
        var detail = await api.Client.GetFromJsonAsync<JsonElement>("/api/sinks/gated");
        var configuration = detail.GetProperty("configuration").GetString()!;
        Assert.Contains("api_key: \"********\"", configuration, StringComparison.Ordinal);
        Assert.Contains("label: \"api-test\"", configuration, StringComparison.Ordinal);
        var test = await (await api.Client.PostAsync("/api/sinks/gated/test-connection", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(test.GetProperty("success").GetBoolean());
        var databases = await api.Client.GetFromJsonAsync<JsonElement>("/api/databases");
        Assert.Equal("db", Assert.Single(databases.EnumerateArray()).GetProperty("name").GetString());
        var openApi = await api.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/sinks/{name}/messages/{id}/retry", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.GetAsync("/api/sinks/nope")).StatusCode);

        // Nothing the tests received, nothing logged, holds the token or the sink's secret.
        Assert.True(api.Bodies.Count > 15);
        Assert.True(api.Logs.Entries.Count > 10);
        Assert.Contains(api.Logs.Entries, e => e.EventId.Id == 7100);
        Assert.Contains(api.Logs.Entries, e => e.EventId.Id == 7101);
        foreach (var secret in new[] { ApiHost.Token, ApiHost.SinkSecret })
        {
            Assert.DoesNotContain(api.Bodies, body => body.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(api.Logs.Entries, e => e.Message.Contains(secret, StringComparison.Ordinal) || (e.Exception?.ToString().Contains(secret, StringComparison.Ordinal) ?? false));
        }
    }
}
