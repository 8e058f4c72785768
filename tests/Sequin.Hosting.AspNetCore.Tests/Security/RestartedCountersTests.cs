using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sequin.Hosting.AspNetCore.Tests.Support;

namespace Sequin.Hosting.AspNetCore.Tests.Security;

/// <summary>
/// Issue 28 item 5: after a restart the parked count is what the parking table holds (it showed −6), and a sink with
/// parked or retried messages is <c>degraded</c> with the reason in the API, the health check and the metrics, not
/// <c>running</c> (docs/reference/http-api.md, "Sink statuses").
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RestartedCountersTests(PostgresFixture postgres)
{
    [Fact]
    public async Task AfterARestartTheParkedCountComesFromTheParkingTableAndTheSinkIsDegradedUntilTheyAreDelivered()
    {
        var api = await ApiHost.StartAsync(postgres, "restart_counts", "127.0.0.1:0");
        try
        {
            api.Sink.Refused[1] = true;
            api.Sink.Refused[2] = true;
            await api.ExecuteAsync("INSERT INTO t VALUES (1, 1)");
            await api.ExecuteAsync("INSERT INTO t VALUES (2, 2)");
            await Eventually.UntilAsync(
                async () => await ParkedRowsAsync(api) == 2,
                () => "two parked messages");
            var before = await SinkAsync(api);
            Assert.Equal("degraded", before.GetProperty("status").GetString());
            Assert.Contains("2 parked message(s)", before.GetProperty("statusReason").GetString(), StringComparison.Ordinal);

            api = await api.RestartAsync();
            var after = await SinkAsync(api);
            Assert.Equal(2, after.GetProperty("figures").GetProperty("parked").GetInt64());
            Assert.Equal("degraded", after.GetProperty("status").GetString());
            var health = await api.Client.GetFromJsonAsync<JsonElement>("/health/ready");
            Assert.Equal("Degraded", health.GetProperty("checks").GetProperty("sequin-sinks").GetProperty("status").GetString());
            var (samples, _) = PrometheusText.Parse(await api.Client.GetStringAsync("/metrics"));
            Assert.Equal(1, Gauge(samples, "sequin_sink_degraded"));
            Assert.Equal(2, Gauge(samples, "sequin_sink_messages_parked"));

            // Delivered from the parking table (retried by hand): 0 parked, not −2, and running again.
            api.Sink.Refused.Clear();
            foreach (var id in (await api.Client.GetFromJsonAsync<JsonElement>("/api/sinks/gated/messages")).EnumerateArray().Select(m => m.GetProperty("id").GetInt64()))
            {
                Assert.Equal(HttpStatusCode.OK, (await api.Client.PostAsync($"/api/sinks/gated/messages/{id}/retry", null)).StatusCode);
            }

            await Eventually.UntilAsync(() => api.Sink.Delivered.Contains(1) && api.Sink.Delivered.Contains(2), () => "the parked rows delivered");
            await Eventually.UntilAsync(async () => (await SinkAsync(api)).GetProperty("status").GetString() == "running", () => "running once nothing is parked");
            Assert.Equal(0, (await SinkAsync(api)).GetProperty("figures").GetProperty("parked").GetInt64());
        }
        finally
        {
            await api.DisposeAsync();
        }
    }

    private static double Gauge(List<PrometheusSample> samples, string name)
    {
        var matching = samples.Where(s => s.Name == name && s.Labels.TryGetValue("sequin_sink_name", out var v) && v == "gated").ToList();
        Assert.True(matching.Count == 1, $"one sample {name}, found {matching.Count}; names: {string.Join(", ", samples.Select(s => s.Name).Distinct())}");
        return matching[0].Value;
    }

    private static async Task<JsonElement> SinkAsync(ApiHost api) =>
        (await api.Client.GetFromJsonAsync<JsonElement>("/api/sinks/gated")).GetProperty("sink");

    // The parking table is created by the host as it starts; until then there is nothing parked.
    private static async Task<long> ParkedRowsAsync(ApiHost api)
    {
        try
        {
            return await api.Server.ScalarAsync<long>("SELECT count(*) FROM sequin_state.parked_messages", api.Database);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }
}
