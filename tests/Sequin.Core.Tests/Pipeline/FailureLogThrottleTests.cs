using Sequin.TestServers;
using Sequin.Core.Tests.Support;
using Sequin.Pipeline;

namespace Sequin.Core.Tests.Pipeline;

public sealed class FailureLogThrottleTests
{
    [Fact]
    public void ARepeatedErrorIsLoggedOncePerWindowAndItsRepeatsAreCountedForTheNextLine()
    {
        var time = new FakeTimeProvider();
        var throttle = new FailureLogThrottle(time, TimeSpan.FromSeconds(10));

        Assert.True(throttle.ShouldLog("disk full", out var suppressed));
        Assert.Equal(0, suppressed);
        for (var i = 0; i < 2000; i++)
        {
            Assert.False(throttle.ShouldLog("disk full", out _));
            time.Advance(TimeSpan.FromMilliseconds(4));
        }

        // 8 s later: still inside the window.
        Assert.False(throttle.ShouldLog("disk full", out _));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(throttle.ShouldLog("disk full", out suppressed));
        Assert.Equal(2001, suppressed);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(throttle.ShouldLog("disk full", out suppressed));
        Assert.Equal(0, suppressed);
    }

    [Fact]
    public void ADifferentErrorIsLoggedAtOnce()
    {
        var time = new FakeTimeProvider();
        var throttle = new FailureLogThrottle(time, TimeSpan.FromSeconds(10));

        Assert.True(throttle.ShouldLog("disk full", out _));
        Assert.False(throttle.ShouldLog("disk full", out _));
        Assert.True(throttle.ShouldLog("permission denied", out var suppressed));
        Assert.Equal(1, suppressed);
        Assert.False(throttle.ShouldLog("permission denied", out _));
    }

    [Fact]
    public void ASinksThrottleLogsHowManyFailuresWentUnloggedBeforeTheNextOneIsLogged()
    {
        var time = new FakeTimeProvider();
        var logger = new ListLogger();
        var throttle = new FailureLogThrottle(time, TimeSpan.FromSeconds(10), logger, "orders");

        Assert.True(throttle.ShouldLog("timeout"));
        Assert.False(throttle.ShouldLog("timeout"));
        Assert.False(throttle.ShouldLog("timeout"));
        Assert.Empty(logger.Entries);

        time.Advance(TimeSpan.FromSeconds(11));
        Assert.True(throttle.ShouldLog("timeout"));

        var line = Assert.Single(logger.Entries);
        Assert.Contains("Sink orders: 2 more failed attempts", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLastDistinctErrorsAreKeptWithTheirCountsNewestLast()
    {
        var time = new FakeTimeProvider();
        var throttle = new FailureLogThrottle(time, TimeSpan.FromSeconds(10));
        var start = time.GetUtcNow();

        throttle.ShouldLog("disk full", out _);
        time.Advance(TimeSpan.FromSeconds(1));
        throttle.ShouldLog("timeout", out _);
        time.Advance(TimeSpan.FromSeconds(1));
        throttle.ShouldLog("disk full", out _);
        Assert.Equal(
            [new RecentError("timeout", 1, start.AddSeconds(1), start.AddSeconds(1)), new RecentError("disk full", 2, start, start.AddSeconds(2))],
            throttle.Recent());

        for (var i = 0; i < FailureLogThrottle.MaxRecent + 5; i++)
        {
            throttle.ShouldLog($"error {i}", out _);
        }

        var recent = throttle.Recent();
        Assert.Equal(FailureLogThrottle.MaxRecent, recent.Count);
        Assert.Equal($"error {FailureLogThrottle.MaxRecent + 4}", recent[^1].Error);
        Assert.DoesNotContain(recent, r => r.Error == "disk full");
    }
}
