using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sequin.Hosting.AspNetCore.Tests.Support;

namespace Sequin.Hosting.AspNetCore.Tests;

/// <summary>
/// Issue 17: an application serves the API on its own <c>WebApplication</c> with <c>AddSequinHttp</c> and
/// <c>MapSequin</c>; without a token it answers loopback callers only.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class EmbeddingTests(PostgresFixture postgres)
{
    [Fact]
    public async Task MapSequinServesTheApiOnTheApplicationsOwnWebApplicationAndWithoutATokenOnlyToLoopbackCallers()
    {
        await using var api = await ApiHost.StartEmbeddedAsync(postgres, "embedded");
        using var client = api.CreateClient(withToken: false);
        await api.ExecuteAsync("INSERT INTO t SELECT g, 0 FROM generate_series(1, 3) g");
        await Eventually.UntilAsync(() => api.Sink.Delivered.Count == 3, () => "three deliveries");

        var sinks = await client.GetFromJsonAsync<JsonElement>("/api/sinks");
        var sink = Assert.Single(sinks.EnumerateArray());
        Assert.Equal("gated", sink.GetProperty("name").GetString());
        Assert.Equal(3, sink.GetProperty("figures").GetProperty("delivered").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/sinks/gated/pause", null)).StatusCode);
        Assert.True(api.Consumer.IsPaused);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/sinks/gated/resume", null)).StatusCode);

        using var remote = new HttpRequestMessage(HttpMethod.Post, "/api/sinks/gated/pause");
        remote.Headers.Add("X-Test-Remote", "192.0.2.77");
        var refused = await client.SendAsync(remote);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.False(api.Consumer.IsPaused);
    }
}
