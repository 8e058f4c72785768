using Sequin.Core.Tests.Routing.Support;
using Sequin.Pipeline;

namespace Sequin.Core.Tests.Pipeline;

public class PendingQueueTests
{
    [Fact]
    public void KeepsArrivalOrderWhenItGrowsPastOneAndShrinksBack()
    {
        var queue = new PendingQueue();
        var entries = Enumerable.Range(1, 5).Select(i => new PendingMessage(Some.Message(id: i.ToString(System.Globalization.CultureInfo.InvariantCulture)), null, null)).ToArray();

        Assert.Equal(0, queue.Count);
        Assert.False(queue.TryPeek(out _));
        Assert.Empty(queue.ToArray());
        Assert.Throws<InvalidOperationException>(() => queue.Dequeue());

        queue.Enqueue(entries[0]);
        Assert.Same(entries[0], queue.Peek());
        queue.Enqueue(entries[1]);
        queue.Enqueue(entries[2]);
        Assert.Equal(entries[..3], queue.ToArray());
        Assert.Same(entries[0], queue.Dequeue());
        queue.Enqueue(entries[3]);
        Assert.Equal(3, queue.Count);
        Assert.Same(entries[1], queue.Dequeue());
        Assert.Same(entries[2], queue.Dequeue());
        Assert.True(queue.TryPeek(out var head));
        Assert.Same(entries[3], head);
        Assert.Same(entries[3], queue.Dequeue());
        Assert.Equal(0, queue.Count);
        queue.Enqueue(entries[4]);
        Assert.Same(entries[4], queue.Dequeue());
        Assert.False(queue.TryPeek(out _));
    }
}
