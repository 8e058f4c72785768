using System.Diagnostics;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;
using Xunit.Abstractions;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 10: SIGTERM gets the configured drain, not the command-line library's 2 seconds. The host, writing into a
/// slow pipe, is stopped with SIGTERM while batches are in flight: it finishes them (longer than 2 s), advances the slot
/// to what it delivered, logs "stopped" and exits 0.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GracefulStopTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const int Rows = 300;

    [Fact]
    public async Task SigtermDrainsInFlightBatchesForLongerThanTwoSecondsAcknowledgesThemAndExitsZero()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "sigterm");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, payload text)");
        var config = scenario.WriteConfig("batch_size: 100");

        // A reader at 50 lines/s: the host's batches of 100 lines block on the pipe, so stopping has work in flight.
        var delivered = Path.Combine(scenario.Directory, "delivered.jsonl");
        await using var pipe = await SlowPipe.CreateAsync(scenario.Directory, delivered, linesPerSecond: 50);
        File.WriteAllText(config, File.ReadAllText(config).Replace(scenario.OutputPath, pipe.PipePath, StringComparison.Ordinal));
        await using var host = SequinHostProcess.Start(config);
        pipe.Start(host.ProcessId);
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync($"INSERT INTO t SELECT g, repeat('x', 400) FROM generate_series(1, {Rows}) g");
        await Eventually.UntilAsync(() => StdoutSinkOutput.Count(delivered) >= 20, () => "20 lines through the pipe; host output:\n" + host.Output);

        var clock = Stopwatch.StartNew();
        var exit = await host.StopAsync(TimeSpan.FromSeconds(60));
        clock.Stop();
        output.WriteLine($"SIGTERM to exit: {clock.Elapsed.TotalSeconds:0.00} s (exit {exit})");
        await pipe.DrainAsync();

        Assert.True(exit == 0, $"exit {exit}; host output:\n{host.Output}");
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(2.5), $"the drain took {clock.Elapsed.TotalSeconds:0.00} s: it had work to do for longer than 2 s");
        Assert.Contains("on shutdown", host.Output, StringComparison.Ordinal);
        Assert.Contains("Sequin runtime stopped.", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("stop was forced", host.Output, StringComparison.Ordinal);
        Assert.Contains("stopped; 0 messages were left undelivered", host.Output, StringComparison.Ordinal);

        // Everything taken was delivered during the drain, and the final acknowledgement covered it.
        // The 300 rows are one transaction, so only the final acknowledgement after the drain can confirm its commit.
        var messages = StdoutSinkOutput.Read(delivered);
        Assert.Equal(Enumerable.Range(1, Rows), messages.Select(m => (int)m["record"]!["id"]!).Distinct().Order());
        var commit = messages.Max(m => (ulong)m["metadata"]!["commit_lsn"]!);
        Assert.True(await scenario.ConfirmedFlushAsync() > commit, "the final acknowledgement did not cover the delivered transaction");
    }
}
