using System.Collections.Concurrent;
using Sequin.Sinks;

namespace Sequin.Core.Tests.Support;

/// <summary>
/// A sink pipeline that records every batch and checks the runtime's promises: no batch holds two messages of a group,
/// and no group has two messages in flight at once.
/// </summary>
public sealed class FakeSinkPipeline : ISinkPipeline
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _inFlightGroups = [];
    private readonly TimeProvider _time;

    public FakeSinkPipeline(TimeProvider time, BatchingOptions? batching = null)
    {
        _time = time;
        Batching = batching ?? new BatchingOptions { Linger = TimeSpan.Zero };
    }

    public BatchingOptions Batching { get; set; }

    /// <summary>Decides the outcome of a batch; default: all delivered.</summary>
    public Func<SinkBatch, CancellationToken, ValueTask<BatchResult>>? OnDeliver { get; set; }

    /// <summary>The batch key; default: the route's <c>topic</c>.</summary>
    public Func<RoutedMessage, string> BatchKey { get; set; } = m => m.Route["topic"] ?? "none";

    public ConcurrentQueue<(DateTimeOffset At, SinkBatch Batch)> Batches { get; } = new();

    /// <summary>Messages whose outcome was Delivered, in the order the sink reported them.</summary>
    public ConcurrentQueue<RoutedMessage> Delivered { get; } = new();

    public ConcurrentQueue<string> Violations { get; } = new();

    public int MaxConcurrentBatchesSeen { get; private set; }

    private int _concurrent;

    public string GetBatchKey(RoutedMessage message) => BatchKey(message);

    public async ValueTask<BatchResult> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        Batches.Enqueue((_time.GetUtcNow(), batch));
        var groups = batch.Messages.Where(m => m.GroupId is not null).Select(GroupOf).ToList();
        lock (_lock)
        {
            if (groups.Distinct().Count() != groups.Count)
            {
                Violations.Enqueue($"batch {batch.BatchKey} holds two messages of one group");
            }

            foreach (var g in groups)
            {
                if (!_inFlightGroups.Add(g))
                {
                    Violations.Enqueue($"group {g} has two messages in flight");
                }
            }

            _concurrent++;
            MaxConcurrentBatchesSeen = Math.Max(MaxConcurrentBatchesSeen, _concurrent);
        }

        BatchResult result;
        try
        {
            result = OnDeliver is null ? BatchResult.AllDelivered : await OnDeliver(batch, cancellationToken);
        }
        finally
        {
            lock (_lock)
            {
                _concurrent--;
                foreach (var g in groups)
                {
                    _inFlightGroups.Remove(g);
                }
            }
        }

        for (var i = 0; i < Math.Min(batch.Messages.Count, result.Count ?? int.MaxValue); i++)
        {
            if (result[i].IsDelivered)
            {
                Delivered.Enqueue(batch.Messages[i]);
            }
        }

        return result;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string GroupOf(RoutedMessage m) => m.Message.Relation.Oid + "/" + m.GroupId;
}
