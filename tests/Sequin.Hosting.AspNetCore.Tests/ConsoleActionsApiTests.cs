using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sequin.Hosting.AspNetCore.Tests.Support;

namespace Sequin.Hosting.AspNetCore.Tests;

/// <summary>
/// Issue 33: the API routes behind the console's actions — bulk retry and discard of parked messages (a sink's, or one
/// table's), a parked message's row values, backfills started, listed and cancelled — with a real PostgreSQL, behind the
/// token and the cross-site check like the other POST routes.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ConsoleActionsApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task AllParkedMessagesOfATableAreRetriedAtOnceAndTheRestDiscarded()
    {
        await using var api = await ApiHost.StartAsync(postgres, "bulk", "127.0.0.1:0");
        await api.ExecuteAsync("CREATE TABLE u (id int PRIMARY KEY, v int)");
        foreach (var id in new[] { 1, 2, 3, 101, 102 })
        {
            api.Sink.Refused[id] = true;
        }

        await api.ExecuteAsync("INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)");
        await api.ExecuteAsync("INSERT INTO u VALUES (101, 1), (102, 2)");
        await Eventually.UntilAsync(async () => (await ListAsync(api)).Count == 5, () => "five parked messages", TimeSpan.FromSeconds(30));

        // The routes are token-protected and refuse a cross-site POST.
        using var anonymous = api.CreateClient(withToken: false);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/sinks/gated/messages/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/sinks/gated/messages/1")).StatusCode);
        using (var crossSite = new HttpRequestMessage(HttpMethod.Post, "/api/sinks/gated/messages/discard"))
        {
            crossSite.Headers.TryAddWithoutValidation("Origin", "https://evil.example");
            Assert.Equal(HttpStatusCode.Forbidden, (await api.Client.SendAsync(crossSite)).StatusCode);
        }

        Assert.Equal(5, (await ListAsync(api)).Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Client.PostAsync("/api/sinks/gated/messages/retry?table=t", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.PostAsync("/api/sinks/nope/messages/retry", null)).StatusCode);

        // Retry the three of public.t at once: delivered, the two of public.u stay parked.
        foreach (var id in new[] { 1, 2, 3 })
        {
            api.Sink.Refused.TryRemove(id, out _);
        }

        var retried = await api.Client.PostAsync("/api/sinks/gated/messages/retry?table=public.t", null);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(3, (await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("changed").GetInt32());
        await Eventually.UntilAsync(() => new[] { 1, 2, 3 }.All(api.Sink.Delivered.Contains), () => "rows 1-3 delivered after the bulk retry", TimeSpan.FromSeconds(30));
        await Eventually.UntilAsync(async () => (await ListAsync(api)).Count == 2, () => "two parked messages left", TimeSpan.FromSeconds(30));
        Assert.All(await ListAsync(api), m => Assert.Equal("public.u", m.GetProperty("table").GetString()));

        // Discard all that is left: none parked, recorded as discarded, and the figures follow (parked 0, discarded 2).
        var discarded = await api.Client.PostAsync("/api/sinks/gated/messages/discard", null);
        Assert.Equal(HttpStatusCode.OK, discarded.StatusCode);
        Assert.Equal(2, (await discarded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("changed").GetInt32());
        Assert.Empty(await ListAsync(api));
        Assert.Equal(2, await api.Server.ScalarAsync<long>("SELECT count(*) FROM sequin_state.discarded_messages WHERE sink = 'gated'", api.Database));
        await Eventually.UntilAsync(
            async () =>
            {
                var figures = (await api.Client.GetFromJsonAsync<JsonElement>("/api/sinks/gated")).GetProperty("sink").GetProperty("figures");
                return figures.GetProperty("parked").GetInt64() == 0 && figures.GetProperty("discarded").GetInt64() == 2;
            },
            () => "parked 0 and discarded 2 in the sink's figures after the operator's discard",
            TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(101, api.Sink.Delivered);
    }

    [Fact]
    public async Task AParkedMessageIsShownWithItsRowValues()
    {
        await using var api = await ApiHost.StartAsync(postgres, "row", "127.0.0.1:0");
        api.Sink.Refused[7] = true;
        await api.ExecuteAsync("INSERT INTO t VALUES (7, 4242)");
        await Eventually.UntilAsync(async () => (await ListAsync(api)).Count == 1, () => "one parked message", TimeSpan.FromSeconds(30));
        var id = (await ListAsync(api))[0].GetProperty("id").GetInt64();

        var row = await api.Client.GetFromJsonAsync<JsonElement>($"/api/sinks/gated/messages/{id}");
        Assert.Equal(id, row.GetProperty("message").GetProperty("id").GetInt64());
        Assert.Equal("insert", row.GetProperty("message").GetProperty("action").GetString());
        Assert.Equal(7, row.GetProperty("record").GetProperty("id").GetInt32());
        Assert.Equal(4242, row.GetProperty("record").GetProperty("v").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.GetAsync($"/api/sinks/gated/messages/{id + 1000}")).StatusCode);
    }

    [Fact]
    public async Task ABackfillIsStartedListedToCompletionAndAnotherCancelled()
    {
        await using var api = await ApiHost.StartAsync(postgres, "backfill_api", "127.0.0.1:0");
        await api.ExecuteAsync("INSERT INTO t SELECT g, g FROM generate_series(1, 50) g");
        await Eventually.UntilAsync(() => api.Sink.Delivered.Count == 50, () => "50 changes delivered", TimeSpan.FromSeconds(30));

        using var anonymous = api.CreateClient(withToken: false);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/sinks/gated/backfills", new { table = "public.t" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Client.PostAsJsonAsync("/api/sinks/gated/backfills", new { table = "public.t", sortColumn = "id" })).StatusCode);

        var started = await api.Client.PostAsJsonAsync("/api/sinks/gated/backfills", new { table = "public.t" });
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var backfill = await started.Content.ReadFromJsonAsync<JsonElement>();
        var id = backfill.GetProperty("id").GetGuid();
        Assert.Equal("full", backfill.GetProperty("kind").GetString());

        // The running host reads the 50 rows again as reads; the backfill ends completed at 100 %.
        await Eventually.UntilAsync(
            async () => (await BackfillAsync(api, id)).GetProperty("status").GetString() == "completed",
            () => "the backfill completed",
            TimeSpan.FromSeconds(60));
        var done = await BackfillAsync(api, id);
        Assert.Equal(100, done.GetProperty("percent").GetDouble());
        Assert.Equal(50, done.GetProperty("rowsDelivered").GetInt64());
        Assert.True(api.Sink.Delivered.Count >= 100, $"50 changes and 50 reads delivered (have {api.Sink.Delivered.Count})");

        // A partial one, paused so that it stays active, is cancelled; a second cancel is a conflict.
        Assert.True(api.Consumer.Pause());
        var partial = await api.Client.PostAsJsonAsync("/api/sinks/gated/backfills", new { table = "t", sortColumn = "id", startPosition = "25" });
        Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
        var partialId = (await partial.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Conflict, (await api.Client.PostAsJsonAsync("/api/sinks/gated/backfills", new { table = "public.t" })).StatusCode);
        var cancelled = await api.Client.PostAsync($"/api/sinks/gated/backfills/{partialId}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await api.Client.PostAsync($"/api/sinks/gated/backfills/{partialId}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.PostAsync($"/api/sinks/gated/backfills/{Guid.NewGuid()}/cancel", null)).StatusCode);
        Assert.Equal("cancelled", (await BackfillAsync(api, partialId)).GetProperty("status").GetString());
    }

    private static async Task<JsonElement> BackfillAsync(ApiHost api, Guid id) =>
        (await api.Client.GetFromJsonAsync<JsonElement>("/api/sinks/gated/backfills")).EnumerateArray().Single(b => b.GetProperty("id").GetGuid() == id);

    private static async Task<List<JsonElement>> ListAsync(ApiHost api)
    {
        var response = await api.Client.GetAsync("/api/sinks/gated/messages");
        return response.IsSuccessStatusCode ? [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()] : [];
    }
}
