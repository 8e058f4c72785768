namespace Sequin.Core.Tests.Support;

/// <summary>Waits on conditions with a timeout (no sleeps as synchronisation).</summary>
public static class Wait
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(2);
        }
    }

    /// <summary>Waits until a timer is armed for <paramref name="due"/>, then advances the clock to it.</summary>
    public static async Task AdvanceToTimerAsync(FakeTimeProvider time, DateTimeOffset due, string what)
    {
        await UntilAsync(() => time.DueTimes.Contains(due), $"a timer is armed for {due:O} ({what}); armed: {string.Join(", ", time.DueTimes.Select(d => d.ToString("O")))}");
        time.Advance(due - time.GetUtcNow());
    }
}
