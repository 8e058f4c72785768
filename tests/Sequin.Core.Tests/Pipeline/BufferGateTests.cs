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

    [Fact]
    public async Task WaitingForRoomForAnOverBudgetSizeWaitsUntilTheBufferIsEmptyAndTakesNothing()
    {
        var gate = new BufferGate(maxBytes: 100, maxMessages: 10);
        Assert.True(gate.WaitAsync(30, default).IsCompletedSuccessfully);
        Assert.True(gate.WaitAsync(30, default).IsCompletedSuccessfully);

        var room = gate.WaitForRoomAsync(500, default).AsTask();
        Assert.False(room.IsCompleted);
        Assert.Equal(1, gate.Waiting);
        gate.Release(30);
        Assert.False(room.IsCompleted);
        gate.Release(30);
        await room.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, gate.Messages);
        Assert.Equal(0, gate.Bytes);
        Assert.Equal(0, gate.Waiting);
        Assert.True(gate.WaitAsync(500, default).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task WaitingForRoomKeepsArrivalOrderWithWaitersThatReserve()
    {
        var gate = new BufferGate(maxBytes: 100, maxMessages: 1);
        Assert.True(gate.WaitAsync(10, default).IsCompletedSuccessfully);
        var reserving = gate.WaitAsync(10, default).AsTask();
        var room = gate.WaitForRoomAsync(10, default).AsTask();

        gate.Release(10);
        await reserving.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(room.IsCompleted); // behind the admitted message now
        gate.Release(10);
        await room.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, gate.Messages);
    }

    [Fact]
    public void WaitingForRoomThatIsThereTakesNothing()
    {
        var gate = new BufferGate(maxBytes: 100, maxMessages: 10);
        Assert.True(gate.WaitAsync(30, default).IsCompletedSuccessfully);

        Assert.True(gate.WaitForRoomAsync(50, default).IsCompletedSuccessfully);

        Assert.Equal(1, gate.Messages);
        Assert.Equal(30, gate.Bytes);
    }
}
