using System.Net.Http.Json;
using System.Text.Json;
using Sequin.Hosting.AspNetCore.Tests.Support;

namespace Sequin.Hosting.AspNetCore.Tests;

/// <summary>
/// Issue 33, item 3: each sink's health (healthy, warning, error, paused) with the reason, the same in
/// <c>GET /api/sinks</c>, the readiness report's <c>sinks</c> details and the <c>sequin_sink_health</c> gauge.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HealthStateTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ASinkGoesFromHealthyToWarningWithParkedMessagesToPausedAndBackEverywhereAlike()
    {
        await using var api = await ApiHost.StartAsync(postgres, "health_states", "127.0.0.1:0");
        await api.ExecuteAsync("INSERT INTO t VALUES (1, 1)");
        await Eventually.UntilAsync(() => api.Sink.Delivered.Contains(1), () => "row 1 delivered");
        await ExpectAsync(api, "healthy", "delivering");
        var sink = await SinkAsync(api);
        Assert.True(sink.GetProperty("lag").GetProperty("seconds").GetDouble() >= 0);
        Assert.Contains("bytes", sink.GetProperty("lag").GetProperty("text").GetString(), StringComparison.Ordinal);

        api.Sink.Refused[2] = true;
        await api.ExecuteAsync("INSERT INTO t VALUES (2, 2)");

        // Failing without a delivery for longer than health.sink_failing_ms (1 s here): error, with the last error.
        await ExpectAsync(api, "error", "row 2 is refused");

        // A later delivery ends the failing spell; the parked message keeps it at warning.
        await api.ExecuteAsync("INSERT INTO t VALUES (3, 3)");
        await ExpectAsync(api, "warning", "1 parked message(s)");

        Assert.True(api.Consumer.Pause());
        await ExpectAsync(api, "paused", "paused by an operator");

        Assert.True(api.Consumer.Resume());
        api.Sink.Refused.Clear();
        var id = (await api.Client.GetFromJsonAsync<JsonElement>("/api/sinks/gated/messages")).EnumerateArray().Single().GetProperty("id").GetInt64();
        await api.Client.PostAsync($"/api/sinks/gated/messages/{id}/retry", null);
        await ExpectAsync(api, "healthy", "delivering");
    }

    private static async Task<JsonElement> SinkAsync(ApiHost api) =>
        (await api.Client.GetFromJsonAsync<JsonElement>("/api/sinks")).EnumerateArray().Single();

    // The API's state and reason, the readiness details and the gauge agree.
    private static Task ExpectAsync(ApiHost api, string state, string reason) =>
        Eventually.UntilAsync(
            async () =>
            {
                var health = (await SinkAsync(api)).GetProperty("health");
                if (health.GetProperty("state").GetString() != state || !health.GetProperty("reason").GetString()!.Contains(reason, StringComparison.Ordinal))
                {
                    return false;
                }

                var ready = await api.Client.GetAsync("/health/ready");
                var report = await ready.Content.ReadFromJsonAsync<JsonElement>();
                var detail = report.GetProperty("checks").GetProperty("sequin-sinks").GetProperty("sinks").GetProperty("gated").GetString()!;
                if (!detail.StartsWith(state + ": ", StringComparison.Ordinal) || !detail.Contains(reason, StringComparison.Ordinal))
                {
                    return false;
                }

                var (samples, _) = PrometheusText.Parse(await api.Client.GetStringAsync("/metrics"));
                var series = samples.Where(s => s.Name == "sequin_sink_health" && s.Labels.GetValueOrDefault("sequin_sink_name") == "gated").ToList();
                return series.Count == 4
                    && series.Single(s => s.Labels["sequin_sink_health_state"] == state).Value == 1
                    && series.Where(s => s.Labels["sequin_sink_health_state"] != state).All(s => s.Value == 0);
            },
            () => $"health '{state}' ({reason}) in the API, /health/ready and sequin_sink_health",
            TimeSpan.FromSeconds(30));
}
