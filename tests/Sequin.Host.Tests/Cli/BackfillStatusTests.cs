using Sequin.Backfills;
using Sequin.Host.Cli;
using Spectre.Console;

namespace Sequin.Host.Tests.Cli;

/// <summary><c>sequin backfill status</c>: its lines (rate, percentage, time left) and the live progress bars of <c>--watch</c> in a terminal.</summary>
public sealed class BackfillStatusTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AnActiveBackfillsLineShowsRowsRateShareAndTimeLeft()
    {
        var record = Record(BackfillStatus.Active, read: 25_000, delivered: 24_000, estimated: 100_000, after: TimeSpan.FromSeconds(10));

        var line = BackfillStatusLine.Format(record, Created.AddSeconds(12));

        Assert.Equal(
            $"{record.Id}\tto-search\tpublic.products\tfull\tactive\tread=25000/~100000 (25%)\tdelivered=24000\trate=2500/s\tleft=30s\tupdated=2s ago",
            line);
    }

    [Fact]
    public void AFailedPartialBackfillsLineShowsItsStartAndError()
    {
        var record = Record(BackfillStatus.Failed, read: 0, delivered: 0, estimated: null, after: TimeSpan.FromMinutes(61)) with
        {
            Request = new BackfillRequest("products", BackfillKind.Partial, "updated_at", "2025-01-01"),
            Error = "Table 'public.products' has no column 'updated_at'",
        };

        var line = BackfillStatusLine.Format(record, Created.AddMinutes(62));

        Assert.Contains("\tpartial from updated_at >= 2025-01-01\tfailed\tread=0\t", line, StringComparison.Ordinal);
        Assert.EndsWith("left=-\tupdated=1m00s ago\tTable 'public.products' has no column 'updated_at'", line, StringComparison.Ordinal);
        Assert.Equal("1h01m00s", BackfillStatusLine.Duration(TimeSpan.FromMinutes(61)));
    }

    [Fact]
    public async Task WatchInATerminalDrawsAProgressBarPerBackfillUntilNoneIsActive()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        var polls = 0;
        BackfillWatch.Lister list = _ =>
        {
            polls++;
            IReadOnlyList<BackfillRecord> records = polls < 3
                ? [Record(BackfillStatus.Active, read: polls * 40, delivered: polls * 40, estimated: 100, after: TimeSpan.FromSeconds(polls))]
                : [Record(BackfillStatus.Completed, read: 100, delivered: 98, estimated: 100, after: TimeSpan.FromSeconds(3))];
            return Task.FromResult<IReadOnlyList<BackfillRecord>?>(records);
        };

        var exit = await BackfillWatch.ProgressBarsAsync(console, list, TimeSpan.FromMilliseconds(10), CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Equal(3, polls);
        var text = writer.ToString();
        Assert.Contains("to-search ← public.products: 100 read, 98 delivered, completed", text, StringComparison.Ordinal);
        Assert.Contains("100%", text, StringComparison.Ordinal);
        Assert.Contains("\u001b[", text, StringComparison.Ordinal); // drawn with ANSI sequences, not plain lines
    }

    [Fact]
    public async Task WatchWithoutATerminalPrintsPlainLinesAndStopsOnADatabaseError()
    {
        var output = new StringWriter();
        var polls = 0;
        BackfillWatch.Lister list = _ => Task.FromResult<IReadOnlyList<BackfillRecord>?>(++polls == 1 ? [Record(BackfillStatus.Active, 1, 1, 10, TimeSpan.FromSeconds(1))] : null);

        var exit = await BackfillWatch.LinesAsync(list, output, TimeSpan.FromMilliseconds(10), CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains("\tactive\tread=1/~10 (10%)", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", output.ToString(), StringComparison.Ordinal);
    }

    private static BackfillRecord Record(BackfillStatus status, long read, long delivered, long? estimated, TimeSpan after) =>
        new(Guid.Parse("7b0d7a8e-6a43-4a7e-9d0e-2c1f1a2b3c4d"), "to-search", new BackfillRequest("products", BackfillKind.Full), status, null, read, delivered, estimated, null, Created, Created + after);
}
