using Sequin.EndToEnd.Tests.Support;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 15: <c>sequin backfill start|status|cancel</c> (the real executable) against a running host's state in
/// PostgreSQL: a backfill started from the CLI is run by the host, <c>status --watch</c> prints plain progress lines when
/// its output is not a terminal and exits once it completed, and cancel ends an active backfill.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BackfillCliTests(PostgresFixture postgres)
{
    private static Task<(int Exit, string Output)> BackfillAsync(StdoutScenario scenario, params string[] args) =>
        SequinHostProcess.RunToEndAsync(["backfill", .. args, "--config", scenario.ConfigPath, "--plugins-dir", BuildPaths.Plugins]);

    [Fact]
    public async Task StartedFromTheCliTheRunningHostBackfillsAndStatusWatchFollowsItToTheEnd()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "backfill_cli");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 5000) g");
        scenario.WriteConfig();
        await using var host = SequinHostProcess.Start(scenario.ConfigPath);
        await scenario.WaitForSlotActiveAsync(host);

        var (startExit, started) = await BackfillAsync(scenario, "start", "--sink", "to-file", "--table", "t");
        Assert.True(startExit == 0, started);
        Assert.Contains("of public.t for sink 'to-file' created", started, StringComparison.Ordinal);

        var (watchExit, watched) = await BackfillAsync(scenario, "status", "--watch", "--interval", "0.2");
        Assert.True(watchExit == 0, watched);
        var last = watched.Split('\n').Last(l => l.Contains("\tpublic.t\t", StringComparison.Ordinal));
        Assert.Contains("\tcompleted\tread=5000/~5000 (100%)\tdelivered=5000\t", last, StringComparison.Ordinal);
        Assert.Contains("No backfill is active.", watched, StringComparison.Ordinal);
        await scenario.WaitForMessagesAsync(5000, host);
        Assert.Equal(5000, StdoutSinkOutput.Read(scenario.OutputPath).Count(m => (string?)m["action"] == "read"));
        Assert.Contains("rows/s", host.Output, StringComparison.Ordinal); // progress and completion are logged by the host

        var id = last.Split('\t')[0];
        var (againExit, again) = await BackfillAsync(scenario, "cancel", "--id", id);
        Assert.Equal(2, againExit);
        Assert.Contains("is already completed", again, StringComparison.Ordinal);
        Assert.Equal(0, await host.StopAsync());
    }

    [Fact]
    public async Task CancelEndsAnActiveBackfillAndStatusShowsItAndBadInputIsRefusedClearly()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "backfill_cli_cancel");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, at timestamptz)");
        scenario.WriteConfig();

        // No host runs: the backfill waits, active, until one starts (or it is cancelled).
        var (startExit, started) = await BackfillAsync(scenario, "start", "--sink", "to-file", "--table", "t", "--sort-column", "at", "--start-position", "2025-01-01");
        Assert.True(startExit == 0, started);
        var (statusExit, status) = await BackfillAsync(scenario, "status", "--active");
        Assert.True(statusExit == 0, status);
        var line = Assert.Single(status.Split('\n'), l => l.Contains("\tpublic.t\t", StringComparison.Ordinal));
        Assert.Contains("\tpartial from at >= 2025-01-01\tactive\t", line, StringComparison.Ordinal);
        var (secondExit, second) = await BackfillAsync(scenario, "start", "--sink", "to-file", "--table", "t");
        Assert.NotEqual(0, secondExit);
        Assert.Contains($"already has an active backfill of public.t ({line.Split('\t')[0]})", second, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", second, StringComparison.Ordinal); // a message, not a stack trace

        var (cancelExit, cancelled) = await BackfillAsync(scenario, "cancel", "--id", line.Split('\t')[0]);
        Assert.True(cancelExit == 0, cancelled);
        Assert.Contains("cancelled after 0 rows", cancelled, StringComparison.Ordinal);
        var (_, after) = await BackfillAsync(scenario, "status");
        Assert.Contains("\tcancelled\t", after, StringComparison.Ordinal);
        Assert.Contains("No backfills.", (await BackfillAsync(scenario, "status", "--active")).Output, StringComparison.Ordinal);

        var (partialExit, partial) = await BackfillAsync(scenario, "start", "--sink", "to-file", "--table", "t", "--sort-column", "at");
        Assert.Equal(1, partialExit);
        Assert.Contains("needs both --sort-column and --start-position", partial, StringComparison.Ordinal);
        var (sinkExit, noSink) = await BackfillAsync(scenario, "start", "--sink", "nope", "--table", "t");
        Assert.Equal(1, sinkExit);
        Assert.Contains("No sink named 'nope'", noSink, StringComparison.Ordinal);
    }
}
