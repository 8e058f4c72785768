using Sequin.Pipeline;

namespace Sequin.Core.Tests.Pipeline;

public sealed class BufferGateTests
{
    [Fact]
    public async Task WaitersAreAdmittedInOrderAsRoomIsReleased()
    {
        var gate = new BufferGate(maxBytes: 100, maxMessages: 2);
        Assert.True(gate.WaitAsync(10, default).IsCompletedSuccessfully);
        Assert.True(gate.WaitAsync(10, default).IsCompletedSuccessfully);

        var third = gate.WaitAsync(10, default).AsTask();
        var fourth = gate.WaitAsync(10, default).AsTask();
        Assert.False(third.IsCompleted);

        gate.Release(10);
        await third.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(fourth.IsCompleted);
        gate.Release(10);
        await fourth.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, gate.PeakMessages);
        Assert.Equal(20, gate.PeakBytes);
    }

    [Fact]
    public void AMessageLargerThanTheByteLimitIsAdmittedAloneIntoAnEmptyBuffer()
    {
        var gate = new BufferGate(maxBytes: 100, maxMessages: 10);

        Assert.True(gate.WaitAsync(500, default).IsCompletedSuccessfully);
        Assert.False(gate.WaitAsync(1, default).IsCompleted);
    }

    [Fact]
    public async Task ACancelledWaiterLeavesTheQueueAndAccountsNothing()
    {
        var gate = new BufferGate(maxBytes: 100, maxMessages: 1);
        Assert.True(gate.WaitAsync(10, default).IsCompletedSuccessfully);
        using var cts = new CancellationTokenSource();
        var waiting = gate.WaitAsync(10, cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        gate.Release(10);
        Assert.Equal(0, gate.Messages);
    }
}
