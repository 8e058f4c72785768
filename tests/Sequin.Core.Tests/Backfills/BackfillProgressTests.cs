using Sequin.Backfills;

namespace Sequin.Core.Tests.Backfills;

/// <summary>The progress a backfill logs and <c>sequin backfill status</c> shows: share read and time left.</summary>
public sealed class BackfillProgressTests
{
    [Fact]
    public void TimeLeftIsTheRowsNotYetReadAtTheCurrentRate()
    {
        var progress = new BackfillProgress(RowsRead: 40_000, RowsDelivered: 39_500, RowsEstimated: 100_000, RowsPerSecond: 20_000);

        Assert.Equal(TimeSpan.FromSeconds(3), progress.Remaining);
        Assert.Equal(0.4, progress.Fraction);
    }

    [Fact]
    public void WithoutAnEstimateOrARateNothingIsGuessedAndAnUnderestimateNeverGoesPastTheEnd()
    {
        Assert.Null(new BackfillProgress(10, 10, null, 100).Remaining);
        Assert.Null(new BackfillProgress(10, 10, null, 100).Fraction);
        Assert.Null(new BackfillProgress(10, 10, 100, 0).Remaining);
        Assert.Equal(TimeSpan.Zero, new BackfillProgress(150, 150, 100, 50).Remaining);
        Assert.Equal(1.0, new BackfillProgress(150, 150, 100, 50).Fraction);
    }
}
