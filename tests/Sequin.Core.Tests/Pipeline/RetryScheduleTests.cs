using Sequin.Pipeline;

namespace Sequin.Core.Tests.Pipeline;

public sealed class RetryScheduleTests
{
    [Fact]
    public void DelayDoublesFromTheBaseDelay()
    {
        var schedule = new RetrySchedule(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), 0);

        Assert.Equal(TimeSpan.FromSeconds(1), schedule.GetDelay(0));
        Assert.Equal(TimeSpan.FromSeconds(1), schedule.GetDelay(1));
        Assert.Equal(TimeSpan.FromSeconds(2), schedule.GetDelay(2));
        Assert.Equal(TimeSpan.FromSeconds(4), schedule.GetDelay(3));
        Assert.Equal(TimeSpan.FromSeconds(256), schedule.GetDelay(9));
    }

    [Fact]
    public void DelayIsCappedAtTheMaximumFromTheOriginalsCapAttempt()
    {
        // floor(log2(600 / 1) + 1) = 10: the 10th failure and later wait the cap.
        var schedule = new RetrySchedule(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), 0);

        Assert.Equal(TimeSpan.FromMinutes(10), schedule.GetDelay(10));
        Assert.Equal(TimeSpan.FromMinutes(10), schedule.GetDelay(1000));
        Assert.Equal(TimeSpan.FromMinutes(10), schedule.GetDelay(int.MaxValue));
    }

    [Theory]
    [InlineData(0.0, 0.85)]
    [InlineData(0.5, 1.0)]
    [InlineData(0.999999, 1.15)]
    public void JitterScalesTheDelayWithinPlusMinusTheFraction(double random, double factor)
    {
        var schedule = new RetrySchedule(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), 0.15, () => random);

        var delay = schedule.GetDelay(3);

        Assert.Equal(4 * factor, delay.TotalSeconds, 3);
    }

    [Fact]
    public void JitteredDelaysStayInsideTheBandWithTheSharedRandom()
    {
        var schedule = new RetrySchedule(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), 0.15);

        for (var i = 0; i < 1000; i++)
        {
            var delay = schedule.GetDelay(2).TotalSeconds;
            Assert.InRange(delay, 1.7, 2.3);
        }
    }

    [Fact]
    public void BadParametersAreRejectedByName()
    {
        Assert.Equal("baseDelay", Assert.Throws<ArgumentOutOfRangeException>(() => new RetrySchedule(TimeSpan.Zero, TimeSpan.FromSeconds(1), 0)).ParamName);
        Assert.Equal("maxDelay", Assert.Throws<ArgumentOutOfRangeException>(() => new RetrySchedule(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 0)).ParamName);
        Assert.Equal("jitter", Assert.Throws<ArgumentOutOfRangeException>(() => new RetrySchedule(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 1.0)).ParamName);
    }
}
