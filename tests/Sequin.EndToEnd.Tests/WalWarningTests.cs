using Sequin.EndToEnd.Tests.Support;
using Sequin.Sinks;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 10: the WAL-retention warning's thresholds come from <c>databases[].wal_warnings</c>: a change that keeps
/// failing (parking off) past <c>undelivered_age_ms</c> is warned about (event 1120), and once it is delivered the
/// all-clear follows (event 1121).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class WalWarningTests(PostgresFixture postgres)
{
    [Fact]
    public async Task AChangeUndeliveredLongerThanTheConfiguredAgeIsWarnedAboutAndTheAllClearFollowsDelivery()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "walwarn");
        scenario.DatabaseExtraYaml = "wal_warnings: { retained_mb: 0, undelivered_age_ms: 1500 }";
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v int)");
        var released = false;
        var sink = new RecordingSinkPlugin
        {
            Behaviour = (_, id, _, _) => id == 2 && !Volatile.Read(ref released) ? DeliveryOutcome.Retry("row 2 is refused") : DeliveryOutcome.Delivered,
        };
        await using var runtime = InProcessRuntime.Start(
            scenario.WriteConfig("park_after_failures: 0\nactions: [insert]", "recording"),
            [sink],
            s => s with { RetryBaseDelay = TimeSpan.FromMilliseconds(100), RetryMaxDelay = TimeSpan.FromMilliseconds(300) });
        await runtime.WaitForConsumersAsync();
        await scenario.WaitForSlotActiveAsync();
        await scenario.ExecuteAsync("INSERT INTO t VALUES (1, 0)");
        await Eventually.UntilAsync(() => sink.Delivered.Any(a => a.Id == 1), () => "row 1 delivered");
        Assert.DoesNotContain(runtime.Logs.Entries, e => e.EventId.Id == 1120);

        await scenario.ExecuteAsync("INSERT INTO t VALUES (2, 0)");
        await Eventually.UntilAsync(
            () => runtime.Logs.Entries.Any(e => e.EventId.Id == 1120),
            () => "the WAL-retention warning once row 2 is undelivered for 1.5 s",
            TimeSpan.FromSeconds(30));
        var warning = runtime.Logs.Entries.First(e => e.EventId.Id == 1120).Message;
        Assert.Contains("(warning at 00:00:01.5000000)", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(runtime.Logs.Entries, e => e.EventId.Id == 1121);

        Volatile.Write(ref released, true);
        await Eventually.UntilAsync(
            () => runtime.Logs.Entries.Any(e => e.EventId.Id == 1121),
            () => "the all-clear once row 2 is delivered",
            TimeSpan.FromSeconds(30));
        Assert.Contains(sink.Delivered, a => a.Id == 2);
    }
}
