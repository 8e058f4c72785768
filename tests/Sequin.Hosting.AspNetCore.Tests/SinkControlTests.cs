using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sequin.Hosting.AspNetCore.Tests.Support;

namespace Sequin.Hosting.AspNetCore.Tests;

/// <summary>
/// Issue 17: pause and resume a sink, and retry or discard its failing messages, through the HTTP API of a running host
/// (the tool's Kestrel listener) with a real PostgreSQL.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SinkControlTests(PostgresFixture postgres)
{
    [Fact]
    public async Task PausingASinkStopsItsDeliveriesAndResumingDeliversWhatWasHeldNothingLost()
    {
        await using var api = await ApiHost.StartAsync(postgres, "pause");
        await api.ExecuteAsync("INSERT INTO t SELECT g, 0 FROM generate_series(1, 20) g");
        await Eventually.UntilAsync(() => api.Sink.Delivered.Count == 20, () => $"20 deliveries (have {api.Sink.Delivered.Count})");

        var paused = await api.Client.PostAsync("/api/sinks/gated/pause", null);
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.Equal("paused", (await paused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        await api.ExecuteAsync("INSERT INTO t SELECT g, 0 FROM generate_series(21, 60) g");
        var end = await api.Server.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()", api.Database);
        await Eventually.UntilAsync(() => api.Consumer.BufferedMessages == 40, () => $"40 held messages (have {api.Consumer.BufferedMessages})");
        Assert.Equal(20, api.Sink.Delivered.Count);

        // The held changes are not acknowledged: the slot lags behind them.
        var database = Assert.Single((await api.Client.GetFromJsonAsync<JsonElement>("/api/databases")).EnumerateArray());
        // Issue 33: its only sink is paused, so the database says so (it said "running").
        Assert.Equal("paused", database.GetProperty("status").GetString());
        Assert.True(database.GetProperty("replication").GetProperty("active").GetBoolean());
        Assert.True(database.GetProperty("replication").GetProperty("lagBytes").GetInt64() > 0);
        Assert.True(ConfirmedFlush(database) < end, "the slot is not confirmed past the held changes");
        var listed = await api.Client.GetFromJsonAsync<JsonElement>("/api/sinks");
        var sink = Assert.Single(listed.EnumerateArray());
        Assert.Equal("paused", sink.GetProperty("status").GetString());
        Assert.Equal(20, sink.GetProperty("figures").GetProperty("delivered").GetInt64());
        Assert.Equal(40, sink.GetProperty("figures").GetProperty("buffered").GetInt32());

        var resumed = await api.Client.PostAsync("/api/sinks/gated/resume", null);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal("running", (await resumed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await Eventually.UntilAsync(() => api.Sink.Delivered.Count == 60, () => $"60 deliveries after resume (have {api.Sink.Delivered.Count})");
        Assert.Equal(Enumerable.Range(1, 60), api.Sink.Delivered.Order());
        await Eventually.UntilAsync(
            async () => ConfirmedFlush(Assert.Single((await api.Client.GetFromJsonAsync<JsonElement>("/api/databases")).EnumerateArray())) >= end,
            () => "the slot confirmed past the delivered changes");
        Assert.Contains(api.Logs.Entries, e => e.EventId.Id == 1260);
        Assert.Contains(api.Logs.Entries, e => e.EventId.Id == 1261);
    }

    private static NpgsqlTypes.NpgsqlLogSequenceNumber ConfirmedFlush(JsonElement database) =>
        NpgsqlTypes.NpgsqlLogSequenceNumber.Parse(database.GetProperty("replication").GetProperty("confirmedFlushLsn").GetString()!);

    [Fact]
    public async Task AFailingMessageIsListedWithItsErrorAndCanBeRetriedOrDiscarded()
    {
        await using var api = await ApiHost.StartAsync(postgres, "failing");
        api.Sink.Refused[5] = true;
        api.Sink.Refused[7] = true;
        await api.ExecuteAsync("INSERT INTO t SELECT g, 0 FROM generate_series(1, 10) g");
        await Eventually.UntilAsync(() => api.Sink.Delivered.Count == 8, () => $"8 deliveries (have {api.Sink.Delivered.Count})");

        JsonElement[] failing = [];
        await Eventually.UntilAsync(
            async () => (failing = [.. (await api.Client.GetFromJsonAsync<JsonElement>("/api/sinks/gated/messages")).EnumerateArray()]).Length == 2,
            () => $"two failing messages listed (have {failing.Length})");
        var five = failing.Single(m => m.GetProperty("error").GetString()!.Contains("row 5 is refused", StringComparison.Ordinal));
        var seven = failing.Single(m => m.GetProperty("error").GetString()!.Contains("row 7 is refused", StringComparison.Ordinal));
        Assert.Equal("public.t", five.GetProperty("table").GetString());
        Assert.Equal("insert", five.GetProperty("action").GetString());
        Assert.True(five.GetProperty("failedAttempts").GetInt32() >= 1);
        Assert.True(five.GetProperty("nextRetryAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(5), "the next retry is the slow schedule's");
        var detail = await api.Client.GetFromJsonAsync<JsonElement>("/api/sinks/gated");
        Assert.Contains(detail.GetProperty("recentErrors").EnumerateArray(), e => e.GetProperty("error").GetString()!.Contains("row 5 is refused", StringComparison.Ordinal));

        // Retry now: the sink accepts it at once instead of in ten minutes.
        api.Sink.Refused.TryRemove(5, out _);
        var retried = await api.Client.PostAsync($"/api/sinks/gated/messages/{five.GetProperty("id").GetInt64()}/retry", null);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        await Eventually.UntilAsync(() => api.Sink.Delivered.Contains(5), () => "row 5 delivered after the retry", TimeSpan.FromSeconds(60));

        // Discard: gone from the list, recorded as discarded, never delivered.
        var discarded = await api.Client.PostAsync($"/api/sinks/gated/messages/{seven.GetProperty("id").GetInt64()}/discard?reason=bad%20row", null);
        Assert.Equal(HttpStatusCode.OK, discarded.StatusCode);
        await Eventually.UntilAsync(
            async () => (await api.Client.GetFromJsonAsync<JsonElement>("/api/sinks/gated/messages")).GetArrayLength() == 0,
            () => "no failing message left");
        Assert.Equal("bad row", await api.Server.ScalarAsync<string>("SELECT reason FROM sequin_state.discarded_messages WHERE sink = 'gated'", api.Database));
        Assert.DoesNotContain(7, api.Sink.Delivered);

        var again = await api.Client.PostAsync($"/api/sinks/gated/messages/{seven.GetProperty("id").GetInt64()}/retry", null);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }
}
