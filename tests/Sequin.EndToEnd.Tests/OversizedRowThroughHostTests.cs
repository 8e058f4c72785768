using System.Globalization;
using System.Text.Json.Nodes;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;
using Sequin.TestServers.Aws;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 28: one row larger than what a sink may send is rejected and parked until an operator acts (its next attempt
/// 100 years away). The real host stays up, later rows flow, <c>sequin messages retry</c> tries it again and
/// <c>discard</c> lets its row go on, and a host started with the parked row stored does not crash (it did: the
/// partition's timer was armed 100 years ahead, beyond what .NET timers take, and the process died on every start).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class OversizedRowThroughHostTests(PostgresFixture postgres)
{
    private const string Table = "CREATE TABLE big (id int PRIMARY KEY, payload text NOT NULL)";

    [Fact]
    public async Task ARowOverKafkasMaxMessageBytesIsParkedWhileTheHostStaysUpAndLaterRowsFlow()
    {
        await using var broker = await KafkaMockBroker.StartAsync();
        await using var scenario = await KafkaScenario.CreateAsync(postgres, broker, "kafka_oversized");
        var topic = KafkaScenario.UniqueTopic("big");
        await broker.CreateTopicAsync(topic, partitions: 2);
        await scenario.ExecuteAsync(Table);
        var config = scenario.WriteConfig(destinationExtra: $"topic: {topic}\nmax_message_bytes: 4000");

        await RunAsync(
            scenario,
            config,
            "to-kafka",
            oversized: 20_000,
            async (count, host) => (await scenario.WaitForRecordsAsync(topic, count, host)).Select(r => r.Key!).ToList(),
            "exceeds max_message_bytes");
    }

    [Fact]
    public async Task ARowOverTheSqsLimitIsParkedWhileTheHostStaysUpAndLaterRowsFlow()
    {
        await using var aws = await AwsEmulators.StartAsync();
        using var queues = new SqsTestQueues(aws);
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "sqs_oversized");
        await scenario.ExecuteAsync(Table);
        var queue = await queues.CreateAsync("big-" + Guid.NewGuid().ToString("N")[..8]);
        var fields = new Dictionary<string, string>
        {
            ["access_key_id"] = "AKIDLOCAL",
            ["secret_access_key"] = "local-secret",
            ["endpoint_url"] = aws.SqsEndpoint.ToString(),
            ["region"] = AwsEmulators.Region,
            ["queue_url"] = queue,
        };
        var config = scenario.WriteConfig(destinationType: "sqs", destinationFields: fields);
        var received = new List<string>();

        await RunAsync(
            scenario,
            config,
            "to-file",
            oversized: 300_000,
            async (count, host) =>
            {
                await Eventually.UntilAsync(
                    async () =>
                    {
                        received.AddRange((await queues.ReceiveAsync(queue)).Select(m => (string)JsonNode.Parse(m.Body)!["record"]!["id"]!.ToString()));
                        return received.Count >= count || host.HasExited;
                    },
                    () => $"{count} messages in the queue (got {received.Count}); host output:\n{host.Output}",
                    TimeSpan.FromSeconds(90));
                return received;
            },
            "exceeds the sqs sink's limit");
    }

    /// <summary>
    /// Row 1 is too large, rows 2.. are not. <paramref name="delivered"/> waits for that many deliveries and returns the
    /// delivered rows' ids.
    /// </summary>
    private static async Task RunAsync(
        DatabaseScenario scenario,
        string config,
        string sink,
        int oversized,
        Func<int, ChildProcess, Task<List<string>>> delivered,
        string rejection)
    {
        var host = SequinHostProcess.Start(config);
        try
        {
            await scenario.WaitForSlotActiveAsync(host);
            await scenario.ExecuteAsync($"INSERT INTO big VALUES (1, repeat('x', {oversized}))");
            await scenario.ExecuteAsync("INSERT INTO big VALUES (2, 'small')");

            var ids = await delivered(1, host);
            Assert.False(host.HasExited, "the host died:\n" + host.Output);
            Assert.Equal(["2"], ids);
            await Eventually.UntilAsync(async () => await ParkedAsync(scenario) == 1, () => "row 1 is parked; host output:\n" + host.Output);
            Assert.Contains(rejection, await scenario.ScalarAsync<string>("SELECT last_error FROM sequin_state.parked_messages"), StringComparison.Ordinal);
            Assert.True(await scenario.ScalarAsync<bool>("SELECT next_attempt_at > now() + interval '50 years' FROM sequin_state.parked_messages"));

            // A host started with the parked row stored stays up and delivers.
            Assert.Equal(0, await host.StopAsync());
            await host.DisposeAsync();
            host = SequinHostProcess.Start(config);
            await scenario.WaitForSlotActiveAsync(host);
            await scenario.ExecuteAsync("INSERT INTO big VALUES (3, 'after the restart')");
            ids = await delivered(2, host);
            Assert.False(host.HasExited, "the restarted host died:\n" + host.Output);
            Assert.Contains("3", ids);
            Assert.Equal(1, await ParkedAsync(scenario));

            // The operator's retry tries it again (rejected again, parked again, the host still up) ...
            var (exit, output) = await MessagesAsync(config, "retry", "--sink", sink);
            Assert.True(exit == 0, output);
            Assert.Contains("1 parked message(s) due now.", output, StringComparison.Ordinal);
            await Eventually.UntilAsync(
                async () => await scenario.ScalarAsync<int>("SELECT failed_attempts FROM sequin_state.parked_messages") == 2,
                () => "the retried row to fail a second time; host output:\n" + host.Output);
            Assert.False(host.HasExited, "the host died after the retry:\n" + host.Output);

            // ... and a discard lets the row's next change through.
            (exit, output) = await MessagesAsync(config, "discard", "--all", "--reason", "too large");
            Assert.True(exit == 0, output);
            Assert.Equal(0, await ParkedAsync(scenario));
            await scenario.ExecuteAsync("UPDATE big SET payload = 'small now' WHERE id = 1");
            ids = await delivered(3, host);
            Assert.Contains("1", ids);
            Assert.False(host.HasExited, "the host died after the discard:\n" + host.Output);
            Assert.Equal(0, await host.StopAsync());
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static Task<(int Exit, string Output)> MessagesAsync(string config, params string[] args) =>
        SequinHostProcess.RunToEndAsync(["messages", .. args, "--config", config, "--plugins-dir", BuildPaths.Plugins]);

    private static async Task<long> ParkedAsync(DatabaseScenario scenario) =>
        await scenario.ScalarAsync<bool>("SELECT to_regclass('sequin_state.parked_messages') IS NULL")
            ? 0
            : await scenario.ScalarAsync<long>("SELECT count(*) FROM sequin_state.parked_messages");
}
