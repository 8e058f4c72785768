using Sequin.Sinks;

namespace Sequin.Sinks.Sqs.Tests;

/// <summary>Routing as Core runs it: the default route, then the static options (static) or a function's output (dynamic).</summary>
public sealed class SqsSinkRoutingTests
{
    private readonly SqsSink _sink = new();

    private IRoutedConsumer Routing => ((ISinkPlugin)_sink).Routing;

    private ISinkSchema Schema => ((ISinkPlugin)_sink).Schema;

    [Fact]
    public void StaticRoutingSendsEveryMessageToTheConfiguredQueue()
    {
        var parsed = Schema.Parse(Some.Config(("queue_url", Some.QueueUrl), ("use_task_role", "true")), RoutingMode.Static, Some.Path);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));

        var route = new Route(Routing.Keys);
        Routing.ApplyDefaultRoute(Some.Change(1), route);
        Routing.ApplyStaticRoute(parsed.Options, route);

        Assert.Equal(Some.QueueUrl, route[SqsSink.QueueUrlKey]);
        Assert.Null(Routing.Validate(route));
    }

    [Fact]
    public void DynamicRoutingIgnoresTheConfiguredQueueAndHasNoDefault()
    {
        var parsed = Schema.Parse(Some.Config(("queue_url", Some.QueueUrl), ("region", "us-east-1"), ("use_task_role", "true")), RoutingMode.Dynamic, Some.Path);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        Assert.Null(Assert.IsType<SqsSinkOptions>(parsed.Options).QueueUrl);

        var route = new Route(Routing.Keys);
        Routing.ApplyDefaultRoute(Some.Change(1), route);

        // No queue can be derived from a table: a routing function must return queue_url.
        Assert.Null(route[SqsSink.QueueUrlKey]);
        Assert.NotNull(Routing.Keys[0].Check(route[SqsSink.QueueUrlKey]));
    }

    [Fact]
    public void DynamicRoutingChecksTheQueueUrlARoutingFunctionReturns()
    {
        var key = Assert.Single(Routing.Keys);
        Assert.Equal(SqsSink.QueueUrlKey, key.Name);

        Assert.Null(key.Check(Some.QueueUrl));
        Assert.Null(key.Check(Some.FifoQueueUrl));
        Assert.Null(key.Check("http://127.0.0.1:9324/000000000000/orders"));                   // an emulator's
        Assert.Contains("SQS queue URL", key.Check("arn:aws:sqs:us-east-1:123456789012:orders"), StringComparison.Ordinal);
        Assert.NotNull(key.Check("https://sqs.us-east-1.amazonaws.com/123456789012/has spaces"));
        Assert.NotNull(key.Check("https://sqs.us-east-1.amazonaws.com/123456789012/" + new string('q', 2000)));
        Assert.NotNull(key.Check(null));
    }

    [Fact]
    public void DefaultRoutingFunctionReturnsAPlaceholderQueueUrlPerTable()
    {
        Assert.Contains("function route(action, record, changes, metadata)", Routing.DefaultRoutingFunction, StringComparison.Ordinal);
        Assert.Contains("queue_url: \"https://sqs.<region>.amazonaws.com/<account-id>/sequin-\"", Routing.DefaultRoutingFunction, StringComparison.Ordinal);
        Assert.Contains("metadata.table_name", Routing.DefaultRoutingFunction, StringComparison.Ordinal);
    }

    [Fact]
    public void BatchesAreSendMessageBatchSizedAndNeverMixQueues()
    {
        var limits = ((ISinkPlugin)_sink).GetLimits(new SqsSinkOptions());

        Assert.Equal([SqsSink.QueueUrlKey], limits.BatchBy);
        Assert.Equal(10, limits.MaxBatchMessages);
        Assert.Equal(10, limits.DefaultBatchMessages);
        Assert.Equal(256 * 1024, limits.MaxMessageBytes);
        Assert.Equal(256 * 1024, limits.MaxBatchBytes);
    }
}
