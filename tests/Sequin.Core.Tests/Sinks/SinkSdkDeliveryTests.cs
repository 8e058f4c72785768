using Microsoft.Extensions.Logging.Abstractions;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Core.Tests.Support;

namespace Sequin.Core.Tests.Sinks;

/// <summary>
/// Issue 12: what Core does around a sink's delivery: messages over the sink's size limit fail permanently without
/// reaching it, batches are keyed by the limits' route keys, outcomes are normalised and checked.
/// </summary>
public sealed class SinkSdkDeliveryTests
{
    [Fact]
    public async Task AMessageOverTheSizeLimitIsRejectedWithoutReachingTheSinkAndTheOthersAreDelivered()
    {
        var sink = new ProbeSink { Limits = new SinkLimits { MaxMessageBytes = 100 } };
        var (client, pipeline) = Create(sink);
        await using var _ = client;

        var result = await pipeline.DeliverAsync(Batch(pipeline, 10, 101, 100), CancellationToken.None);

        Assert.True(result[0].IsDelivered);
        Assert.Equal(DeliveryStatus.Rejected, result[1].Status);
        Assert.Contains("Message of 101 bytes exceeds the probe sink's limit of 100 bytes", result[1].Error, StringComparison.Ordinal);
        Assert.True(result[2].IsDelivered);
        Assert.Equal([10, 100], sink.Delivered.Select(m => m.Payload.Length));
    }

    [Fact]
    public async Task AllDeliveredNeedsNoOutcomeArrayAndTheSinksFailuresKeepTheirPlaces()
    {
        var sink = new ProbeSink();
        var (client, pipeline) = Create(sink);
        await using var _ = client;

        Assert.Null((await pipeline.DeliverAsync(Batch(pipeline, 1, 2), CancellationToken.None)).Count);

        sink.Fail = i => i == 1 ? DeliveryOutcome.Retry("busy", TimeSpan.FromSeconds(3)) : DeliveryOutcome.Delivered;
        var failed = await pipeline.DeliverAsync(Batch(pipeline, 1, 2, 3), CancellationToken.None);
        Assert.Equal(3, failed.Count);
        Assert.Equal((DeliveryStatus.Retryable, "busy", TimeSpan.FromSeconds(3)), (failed[1].Status, failed[1].Error, failed[1].RetryAfter));
        Assert.True(failed[0].IsDelivered && failed[2].IsDelivered);

        sink.WrongCount = true;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await pipeline.DeliverAsync(Batch(pipeline, 1, 2), CancellationToken.None));
        Assert.Contains("returned 1 outcomes for a batch of 2 messages", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchesAreKeyedByTheLimitsRouteKeysAndBatchingComesFromTheLimits()
    {
        var sink = new ProbeSink { Limits = new SinkLimits { BatchBy = ["topic"], DefaultBatchMessages = 7, MaxBatchMessages = 10, MaxConcurrentBatches = 2 } };
        var (client, pipeline) = Create(sink);
        await using var _ = client;

        var a = Routed(pipeline, 1, topic: "a");
        var b = Routed(pipeline, 1, topic: "b");
        Assert.Equal("a", pipeline.GetBatchKey(a));
        Assert.NotEqual(pipeline.GetBatchKey(a), pipeline.GetBatchKey(b));
        Assert.Equal((7, 10, 2), (pipeline.Batching.MaxMessages, pipeline.Batching.MaxMessagesLimit, pipeline.Batching.MaxConcurrentBatches));
        Assert.Throws<ArgumentOutOfRangeException>(() => (pipeline.Batching with { MaxMessages = 11 }).Validate());
    }

    [Fact]
    public async Task DisposingTheClientDisposesTheSinksDeliveryOnce()
    {
        var sink = new ProbeSink();
        var (client, pipeline) = Create(sink);

        await pipeline.DisposeAsync();
        Assert.Equal(0, sink.Disposed);
        await client.DisposeAsync();
        Assert.Equal(1, sink.Disposed);
    }

    private static (ISinkClient Client, ISinkPipeline Pipeline) Create(ISinkPlugin sink)
    {
        var context = new SinkContext(new ConsumerInfo("s", "s"), RoutingMode.Static, new EmptyServices(), NullLoggerFactory.Instance, TimeProvider.System);
        var options = new ProbeOptions();
        var client = sink.CreateClient(options, context);
        return (client, sink.CreatePipeline(options, client, context));
    }

    [Fact]
    public void AWholeCallsFailureGivesEveryMessageTheSameOutcome()
    {
        var (_, pipeline) = Create(new ProbeSink());
        var batch = Batch(pipeline, 1, 2, 3);

        var outcomes = batch.All(DeliveryOutcome.Permanent("queue does not exist"));

        Assert.Equal(3, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(DeliveryStatus.Permanent, o.Status));
        Assert.All(outcomes, o => Assert.Equal("queue does not exist", o.Error));
        Assert.All(batch.AllDelivered(), o => Assert.True(o.IsDelivered));
    }

    private static SinkBatch Batch(ISinkPipeline pipeline, params int[] sizes) =>
        new("k", [.. sizes.Select(size => Routed(pipeline, size))]);

    private static RoutedMessage Routed(ISinkPipeline pipeline, int size, string topic = "t")
    {
        _ = pipeline;
        var route = new Route([new RoutableKey("topic", "The topic.")]) { ["topic"] = topic };
        return new RoutedMessage(Some.Change(1), route, "1", new byte[size], isTransformed: false);
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }

    private sealed class ProbeOptions
    {
        [SinkOption("The topic.", Routable = true)]
        public string? Topic { get; set; }
    }

    private sealed class ProbeSink : Sink<ProbeOptions>, ISinkDelivery
    {
        public SinkLimits Limits { get; init; } = SinkLimits.Default;

        public List<RoutedMessage> Delivered { get; } = [];

        public Func<int, DeliveryOutcome>? Fail { get; set; }

        public bool WrongCount { get; set; }

        public int Disposed { get; private set; }

        public override string TypeName => "probe";

        public override string Description => "Probe.";

        public override SinkLimits GetLimits(ProbeOptions options) => Limits;

        public override ISinkDelivery CreateDelivery(ProbeOptions options, SinkContext context) => this;

        public ValueTask<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
        {
            Delivered.AddRange(batch.Messages);
            if (WrongCount)
            {
                return ValueTask.FromResult<IReadOnlyList<DeliveryOutcome>>([DeliveryOutcome.Delivered]);
            }

            return ValueTask.FromResult(Fail is { } fail
                ? (IReadOnlyList<DeliveryOutcome>)[.. batch.Messages.Select((_, i) => fail(i))]
                : batch.AllDelivered());
        }

        public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken) => Task.FromResult(ConnectionTestResult.Ok("ok"));

        public ValueTask DisposeAsync()
        {
            Disposed++;
            return ValueTask.CompletedTask;
        }
    }
}
