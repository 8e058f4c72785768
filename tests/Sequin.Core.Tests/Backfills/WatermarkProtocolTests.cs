using Sequin.Backfills;
using Sequin.Core.Tests.Support;
using Sequin.Messages;
using Sequin.Runtime;

namespace Sequin.Core.Tests.Backfills;

/// <summary>
/// The watermark protocol without a database: a page opened before its rows are read, changes of its table decoded
/// before its watermark supersede rows (whenever they come), and the watermark emits the rest once, in read order.
/// </summary>
public sealed class WatermarkProtocolTests
{
    private static readonly BackfillTable Table = new(Some.Table, [0], ["integer"], [0]);

    [Fact]
    public async Task ChangesBeforeTheWatermarkSupersedeTheirRowsWhetherDecodedBeforeOrAfterThePageWasRead()
    {
        var (coordinator, inner) = Coordinator();
        var emitted = new List<(IReadOnlyList<RowImage> Rows, ulong Lsn)>();
        var page = Page(emitted);
        coordinator.Open(page);

        await coordinator.HandleAsync(Some.Change(2), CancellationToken.None); // while the page is being read
        page.SetRows([Row(1), Row(2), Row(3), Row(4)]);
        await coordinator.HandleAsync(Some.Change(4, action: ChangeAction.Delete), CancellationToken.None); // after
        await coordinator.HandleAsync(Some.Change(3, table: Some.OtherTable), CancellationToken.None); // another table
        await coordinator.HandleWatermarkAsync(Watermark(page), 0x5000, CancellationToken.None);
        await coordinator.HandleAsync(Some.Change(1), CancellationToken.None); // after the watermark: a newer change, queued after the read

        var (rows, lsn) = Assert.Single(emitted);
        Assert.Equal(["1", "3"], rows.Select(r => r[0].Text));
        Assert.Equal(0x5000UL, lsn);
        Assert.Equal(2, page.Superseded);
        Assert.Equal(4, inner.Changes.Count); // every change still goes on to the sinks
        Assert.Equal(0, coordinator.OpenPages);
    }

    [Fact]
    public async Task AnUpdateThatChangesTheKeySupersedesTheOldKeyAndATruncateSupersedesTheWholePage()
    {
        var (coordinator, _) = Coordinator();
        var emitted = new List<(IReadOnlyList<RowImage> Rows, ulong Lsn)>();
        var keyChange = Page(emitted);
        var truncated = Page(emitted);
        coordinator.Open(keyChange);
        coordinator.Open(truncated);
        keyChange.SetRows([Row(1), Row(2)]);
        var moved = new ChangeMessage(ChangeAction.Update, Row(10), Row(1), Some.Transaction(), 0, Some.Source);
        await coordinator.HandleAsync(moved, CancellationToken.None);
        await coordinator.HandleWatermarkAsync(Watermark(keyChange), 1, CancellationToken.None);
        Assert.Equal(["2"], emitted[0].Rows.Select(r => r[0].Text));

        truncated.SetRows([Row(5)]);
        await coordinator.HandleAsync(Some.Change(0, action: ChangeAction.Truncate), CancellationToken.None);
        await coordinator.HandleWatermarkAsync(Watermark(truncated), 2, CancellationToken.None);
        Assert.Empty(emitted[1].Rows);
    }

    [Fact]
    public async Task AWatermarkOfAnUnknownOrClosedPageOrFromAnotherWriterIsIgnored()
    {
        var (coordinator, _) = Coordinator();
        var emitted = new List<(IReadOnlyList<RowImage> Rows, ulong Lsn)>();
        var page = Page(emitted);
        coordinator.Open(page);
        page.SetRows([Row(1)]);
        coordinator.Close(page);

        await coordinator.HandleWatermarkAsync(Watermark(page), 1, CancellationToken.None);
        await coordinator.HandleWatermarkAsync("not json", 2, CancellationToken.None);
        await coordinator.HandleWatermarkAsync("""{"batch_id":"x"}""", 3, CancellationToken.None);

        Assert.Empty(emitted);
    }

    [Fact]
    public async Task AWatermarkDecodedBeforeThePageIsParsedHoldsTheStreamUntilItsRowsAreSet()
    {
        var (coordinator, inner) = Coordinator();
        var emitted = new List<(IReadOnlyList<RowImage> Rows, ulong Lsn)>();
        var page = Page(emitted);
        coordinator.Open(page);
        await coordinator.HandleAsync(Some.Change(2), CancellationToken.None);

        var watermark = coordinator.HandleWatermarkAsync(Watermark(page), 7, CancellationToken.None).AsTask();
        Assert.False(watermark.IsCompleted); // the runner is still parsing the page
        Assert.Empty(emitted);

        page.SetRows([Row(1), Row(2), Row(3)]);
        await watermark.WaitAsync(TimeSpan.FromSeconds(10));

        var (rows, lsn) = Assert.Single(emitted);
        Assert.Equal(["1", "3"], rows.Select(r => r[0].Text)); // the change before the watermark still supersedes row 2
        Assert.Equal(7UL, lsn);
        Assert.Single(inner.Changes);
    }

    [Fact]
    public async Task AWatermarkWaitingForAPageThatIsGivenUpIsIgnored()
    {
        var (coordinator, _) = Coordinator();
        var emitted = new List<(IReadOnlyList<RowImage> Rows, ulong Lsn)>();
        var page = Page(emitted);
        coordinator.Open(page);

        var watermark = coordinator.HandleWatermarkAsync(Watermark(page), 1, CancellationToken.None).AsTask();
        Assert.False(watermark.IsCompleted);
        coordinator.Close(page); // the read failed, or the backfill was cancelled

        await watermark.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(emitted);
        Assert.False(page.Delivered.IsCompleted); // nothing emitted: the runner never waits on it after closing
    }

    [Fact]
    public async Task AWatermarkWaitingForItsRowsWhenTheStreamStopsFailsThePage()
    {
        var (coordinator, _) = Coordinator();
        var page = Page([]);
        coordinator.Open(page);
        using var stop = new CancellationTokenSource();

        var watermark = coordinator.HandleWatermarkAsync(Watermark(page), 1, stop.Token).AsTask();
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watermark);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => page.Delivered); // the runner waiting on it sees why
    }

    [Fact]
    public void ReadIdempotencyKeysAreBase64OfTheBackfillIdAndThePrimaryKeyValues()
    {
        var key = BackfillRunner.IdempotencyKey("6d1f0c6e-0000-0000-0000-000000000001:", KeyRow("x", "acme", "42"), [1, 2]);

        Assert.Equal("6d1f0c6e-0000-0000-0000-000000000001:acme:42", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(key)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(200)]
    [InlineData(1000)] // longer than the stack buffer: a rented one
    public void ReadIdempotencyKeysOfAnyLengthAndNonAsciiKeysRoundTrip(int length)
    {
        var text = new string('é', length / 2) + new string('x', length - (length / 2));

        var key = BackfillRunner.IdempotencyKey("b:", KeyRow(text, "ü", string.Empty), [0, 1, 2]);

        Assert.Equal("b:" + text + ":ü:", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(key)));
    }

    [Theory]
    [InlineData(1000, 1000, 100, 2000)] // a full page well within the budget: double
    [InlineData(1000, 400, 100, 1000)] // a short page: stay
    [InlineData(1000, 1000, 600, 1000)] // within the budget but not fast: stay
    [InlineData(1000, 1000, 4000, 200)] // four times over the budget: a quarter, less a margin
    [InlineData(20000, 20000, 10, 20000)] // capped at the maximum
    [InlineData(20, 20, 100_000, PageSizer.Min)] // never below the minimum
    public void ThePageSizeAdaptsToTheTimeBudget(int size, int rows, int elapsedMs, int next)
    {
        var sizer = new PageSizer(size, 20000, TimeSpan.FromSeconds(1));

        sizer.Record(size, rows, TimeSpan.FromMilliseconds(elapsedMs));

        Assert.Equal(next, sizer.Size);
    }

    private static (BackfillCoordinator Coordinator, RecordingHandler Inner) Coordinator()
    {
        var inner = new RecordingHandler();
        return (new BackfillCoordinator(inner), inner);
    }

    private static BackfillPage Page(List<(IReadOnlyList<RowImage> Rows, ulong Lsn)> emitted) =>
        new(Table, Guid.NewGuid(), (_, rows, lsn, _) =>
        {
            emitted.Add((rows, lsn));
            return ValueTask.CompletedTask;
        });

    private static string Watermark(BackfillPage page) => $$"""{"backfill_id":"{{Guid.NewGuid()}}","batch_id":"{{page.BatchId}}"}""";

    private static RowImage Row(int id) => Some.Change(id).Record;

    private static RowImage KeyRow(string first, string second, string third)
    {
        var relation = new RelationInfo(1, "public", "k", [.. new[] { "a", "b", "c" }.Select(n => new RelationColumn(n, PgTypeOids.Text, -1, true))]);
        return new RowImage(relation, [ColumnValue.FromText(first), ColumnValue.FromText(second), ColumnValue.FromText(third)]);
    }

    private sealed class RecordingHandler : IChangeHandler
    {
        public List<ChangeMessage> Changes { get; } = [];

        public void BeginTransaction(TransactionInfo transaction)
        {
        }

        public ValueTask HandleAsync(ChangeMessage message, CancellationToken cancellationToken)
        {
            Changes.Add(message);
            return ValueTask.CompletedTask;
        }

        public void CommitTransaction(TransactionInfo transaction, ulong endLsn)
        {
        }
    }
}
