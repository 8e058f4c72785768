using Sequin.Backfills;

namespace Sequin.Core.Tests.Backfills;

/// <summary>Stopping a running backfill found in a snapshot of the running ones, as the supervisor does on shutdown.</summary>
public sealed class RunningBackfillTests
{
    [Fact]
    public async Task StoppingARunThatHasEndedAndDisposedItsSourceDoesNothing()
    {
        var stop = new CancellationTokenSource();
        var running = new BackfillSupervisor.Running(stop, "sink");
        stop.Dispose(); // the run ended between the snapshot and the stop

        await running.StopAsync(); // no ObjectDisposedException: the host's shutdown goes on
    }

    [Fact]
    public async Task StoppingARunCancelsItsToken()
    {
        using var stop = new CancellationTokenSource();
        var running = new BackfillSupervisor.Running(stop, "sink");

        await running.StopAsync();

        Assert.True(stop.Token.IsCancellationRequested);
    }
}
