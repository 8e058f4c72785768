using System.Net;
using Sequin.Hosting.AspNetCore.Tests.Support;

namespace Sequin.Hosting.AspNetCore.Tests;

/// <summary>
/// Issue 17, health and metrics against a running host (the tool's listener) and a real PostgreSQL: readiness follows
/// the database, the lag gauge follows a held sink, and the Prometheus scrape parses and holds the documented series.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HealthAndMetricsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ReadinessTurnsUnhealthyWhenPostgresStopsAndHealthyAgainAfterItRestarts()
    {
        // A server of its own: stopping the collection's server would break the other tests.
        var own = new PostgresFixture();
        await own.InitializeAsync();
        try
        {
            await using var api = await ApiHost.StartAsync(own, "ready");
            await Eventually.UntilAsync(async () => (await api.Client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, () => "ready at start");
            Assert.Equal(HttpStatusCode.OK, (await api.Client.GetAsync("/health/live")).StatusCode);

            await own.Server.StopAsync();
            string body = string.Empty;
            await Eventually.UntilAsync(
                async () =>
                {
                    var response = await api.Client.GetAsync("/health/ready");
                    body = await response.Content.ReadAsStringAsync();
                    return response.StatusCode == HttpStatusCode.ServiceUnavailable;
                },
                () => $"unready while PostgreSQL is stopped (last: {body})");
            var report = System.Text.Json.Nodes.JsonNode.Parse(body)!;
            Assert.Equal("Unhealthy", (string?)report["status"]);
            Assert.Equal("Unhealthy", (string?)report["checks"]!["sequin-replication"]!["status"]);
            Assert.False(string.IsNullOrEmpty((string?)report["checks"]!["sequin-replication"]!["description"]));
            Assert.Equal(HttpStatusCode.OK, (await api.Client.GetAsync("/health/live")).StatusCode);

            await own.Server.StartAgainAsync();
            await Eventually.UntilAsync(async () => (await api.Client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, () => "ready again after the restart");

            // Streaming again for real: a new row is delivered.
            await api.ExecuteAsync("INSERT INTO t VALUES (1, 1)");
            await Eventually.UntilAsync(() => api.Sink.Delivered.Contains(1), () => "the row after the restart delivered");
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReadinessNamesASinkThatFailsPastItsThresholdAndRecoversWhenItDeliversAgain()
    {
        await using var api = await ApiHost.StartAsync(postgres, "ready_sink"); // health.sink_failing_ms: 1000
        await Eventually.UntilAsync(async () => (await api.Client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, () => "ready at start");

        api.Sink.Refused[1] = true;
        await api.ExecuteAsync("INSERT INTO t VALUES (1, 1)");
        var body = string.Empty;
        await Eventually.UntilAsync(
            async () =>
            {
                var response = await api.Client.GetAsync("/health/ready");
                body = await response.Content.ReadAsStringAsync();
                return response.StatusCode == HttpStatusCode.ServiceUnavailable;
            },
            () => $"unready once the sink has failed for a second (last: {body})");
        var sinks = System.Text.Json.Nodes.JsonNode.Parse(body)!["checks"]!["sequin-sinks"]!;
        Assert.Equal("Unhealthy", (string?)sinks["status"]);
        Assert.Contains("gated", (string?)sinks["description"], StringComparison.Ordinal);
        Assert.Equal("Healthy", (string?)System.Text.Json.Nodes.JsonNode.Parse(body)!["checks"]!["sequin-replication"]!["status"]);
        Assert.Equal(HttpStatusCode.OK, (await api.Client.GetAsync("/health/live")).StatusCode);

        // Row 1 is parked after its first failure (park_after_failures: 1); the next row is delivered and the sink is healthy again.
        await api.ExecuteAsync("INSERT INTO t VALUES (2, 2)");
        await Eventually.UntilAsync(() => api.Sink.Delivered.Contains(2), () => "row 2 delivered");
        await Eventually.UntilAsync(async () => (await api.Client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, () => "ready again after a delivery");
    }

    [Fact]
    public async Task LagRisesWhileASinkIsHeldAndFallsWhenItCatchesUpAndTheScrapeHoldsTheNamedSeries()
    {
        await using var api = await ApiHost.StartAsync(postgres, "lag");
        await api.ExecuteAsync("INSERT INTO t SELECT g, 0 FROM generate_series(1, 10) g");
        await Eventually.UntilAsync(() => api.Sink.Delivered.Count == 10, () => "10 deliveries");
        await Eventually.UntilAsync(async () => LagBytes(await ScrapeAsync(api)) == 0, () => "no lag once delivered");

        Assert.Equal(HttpStatusCode.OK, (await api.Client.PostAsync("/api/sinks/gated/pause", null)).StatusCode);
        await api.ExecuteAsync("INSERT INTO t SELECT g, 0 FROM generate_series(11, 60) g");
        await Eventually.UntilAsync(() => api.Consumer.BufferedMessages == 50, () => $"50 held messages (have {api.Consumer.BufferedMessages})");
        double held = 0;
        await Eventually.UntilAsync(async () => (held = LagBytes(await ScrapeAsync(api))) > 0, () => "lag while the sink is held");
        await Eventually.UntilAsync(async () => LagSeconds(await ScrapeAsync(api)) > 0, () => "lag time while the sink is held");

        var scrape = await ScrapeAsync(api);
        var (samples, types) = scrape;
        Assert.Equal("gauge", types["sequin_replication_lag_bytes"]);
        Assert.Equal("gauge", types["sequin_replication_lag_time_seconds"]);
        Assert.Equal("counter", types["sequin_replication_changes_read_total"]);
        Assert.Equal("histogram", types["sequin_sink_batch_size"]);
        Assert.Equal("histogram", types["sequin_sink_batch_duration_seconds"]);
        Assert.Equal(60, Value(samples, "sequin_replication_changes_read_total", "sequin_database_name", "db"));
        Assert.Equal(10, Value(samples, "sequin_sink_messages_delivered_total", "sequin_sink_name", "gated"));
        Assert.Equal(50, Value(samples, "sequin_sink_buffered_messages", "sequin_sink_name", "gated"));
        Assert.Equal(1, Value(samples, "sequin_replication_connected", "sequin_database_name", "db"));
        Assert.Contains(samples, s => s.Name == "sequin_sink_batch_size_bucket" && s.Labels.ContainsKey("le"));
        Assert.Contains(samples, s => s.Name == "sequin_sink_batch_duration_seconds_count" && s.Value >= 1);
        Assert.Equal("histogram", types["sequin_sink_delivery_latency_seconds"]);
        Assert.Equal(10, Value(samples, "sequin_sink_delivery_latency_seconds_count", "sequin_sink_name", "gated")); // one per delivered change

        Assert.Equal(HttpStatusCode.OK, (await api.Client.PostAsync("/api/sinks/gated/resume", null)).StatusCode);
        await Eventually.UntilAsync(() => api.Sink.Delivered.Count == 60, () => "60 deliveries after resume");
        await Eventually.UntilAsync(async () => LagBytes(await ScrapeAsync(api)) < held, () => $"lag below {held} bytes after catching up");
        await Eventually.UntilAsync(async () => LagSeconds(await ScrapeAsync(api)) == 0, () => "no undelivered change after catching up");
        var after = (await ScrapeAsync(api)).Samples;
        Assert.Equal(60, Value(after, "sequin_sink_delivery_latency_seconds_count", "sequin_sink_name", "gated"));
        Assert.True(Value(after, "sequin_sink_delivery_latency_seconds_sum", "sequin_sink_name", "gated") > 0, "the held changes waited: their latency adds up to more than 0 s");
        Assert.Equal(60, Value((await ScrapeAsync(api)).Samples, "sequin_sink_messages_delivered_total", "sequin_sink_name", "gated"));
    }

    private static async Task<(List<PrometheusSample> Samples, Dictionary<string, string> Types)> ScrapeAsync(ApiHost api)
    {
        var response = await api.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    private static double LagBytes((List<PrometheusSample> Samples, Dictionary<string, string> Types) scrape) =>
        Value(scrape.Samples, "sequin_replication_lag_bytes", "sequin_database_name", "db");

    private static double LagSeconds((List<PrometheusSample> Samples, Dictionary<string, string> Types) scrape) =>
        Value(scrape.Samples, "sequin_replication_lag_time_seconds", "sequin_database_name", "db");

    private static double Value(List<PrometheusSample> samples, string name, string label, string value)
    {
        var matching = samples.Where(s => s.Name == name && s.Labels.TryGetValue(label, out var v) && v == value).ToList();
        Assert.True(matching.Count == 1, $"one sample {name}{{{label}=\"{value}\"}}, found {matching.Count}; names: {string.Join(", ", samples.Select(s => s.Name).Distinct())}");
        return matching[0].Value;
    }
}
