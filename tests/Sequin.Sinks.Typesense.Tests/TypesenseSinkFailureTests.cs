using System.Diagnostics;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Typesense;
using Sequin.Sinks.Typesense.Tests.Support;
using Sequin.TestServers;

namespace Sequin.Sinks.Typesense.Tests;

/// <summary>
/// Failure behaviour. These need failure injection (5xx, slow responses), which only the fake offers, so they always
/// run against <see cref="TypesenseFakeServer"/>.
/// </summary>
public sealed class TypesenseSinkFailureTests : IAsyncLifetime
{
    private readonly TypesenseFakeServer _server = TypesenseFakeServer.Start();
    private const string Collection = "products";

    public Task InitializeAsync()
    {
        _server.CreateCollection(Collection);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private (ISinkClient Client, ISinkPipeline Pipeline) Create(string? apiKey = null, int timeoutSeconds = 5)
    {
        var options = Some.Options(_server.Url, apiKey ?? _server.ApiKey, Collection);
        options.TimeoutSeconds = timeoutSeconds;
        ISinkPlugin plugin = new TypesenseSink();
        var context = Some.Context();
        var client = plugin.CreateClient(options, context);
        return (client, plugin.CreatePipeline(options, client, context));
    }

    private static SinkBatch ThreeInserts() => Some.Batch(
        Some.Routed(Some.Product(ChangeAction.Insert, 1), Collection),
        Some.Routed(Some.Product(ChangeAction.Insert, 2), Collection),
        Some.Routed(Some.Product(ChangeAction.Insert, 3), Collection));

    [Fact]
    public async Task ServerErrorIsRetryableForEveryMessageAndNothingIsLostOnRetry()
    {
        var (client, pipeline) = Create();
        await using var _ = client;
        _server.FailNextRequests(1, 503, "Not Ready or Lagging");

        var failed = await pipeline.DeliverAsync(ThreeInserts(), CancellationToken.None);
        var retried = await pipeline.DeliverAsync(ThreeInserts(), CancellationToken.None);

        Assert.Equal(3, failed.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(DeliveryStatus.Retryable, failed[i].Status);
            Assert.Contains("HTTP 503", failed[i].Error, StringComparison.Ordinal);
            Assert.Contains("Not Ready or Lagging", failed[i].Error, StringComparison.Ordinal);
        }

        Assert.Null(retried.Count);
        Assert.Equal(3, _server.CountDocuments(Collection));
    }

    [Fact]
    public async Task ServerErrorOnDeleteIsRetryable()
    {
        var (client, pipeline) = Create();
        await using var _ = client;
        _server.FailNextRequests(1, 500, "Internal error");

        var result = await pipeline.DeliverAsync(Some.Batch(
            Some.Routed(Some.Product(ChangeAction.Delete, 1), Collection),
            Some.Routed(Some.Product(ChangeAction.Delete, 2), Collection)), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Retryable, result[0].Status);
        Assert.Equal(DeliveryStatus.Retryable, result[1].Status);
        Assert.Contains("Internal error", result[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThrottlingIsRetryable()
    {
        var (client, pipeline) = Create();
        await using var _ = client;
        _server.FailNextRequests(1, 429, "Rate limit exceeded");

        var result = await pipeline.DeliverAsync(Some.Batch(Some.Routed(Some.Product(ChangeAction.Insert, 1), Collection)), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Retryable, result[0].Status);
        Assert.Contains("Rate limit exceeded", result[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimeoutIsRetryableAndNamesTheSetting()
    {
        var (client, pipeline) = Create(timeoutSeconds: 1);
        await using var _ = client;
        _server.DelayNextResponses(1, TimeSpan.FromSeconds(60));
        var watch = Stopwatch.StartNew();

        var result = await pipeline.DeliverAsync(ThreeInserts(), CancellationToken.None);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}"); // gave up at timeout_seconds, not at the 60 s reply
        Assert.Equal(DeliveryStatus.Retryable, result[0].Status);
        Assert.Contains("timeout_seconds", result[0].Error, StringComparison.Ordinal);

        var retried = await pipeline.DeliverAsync(ThreeInserts(), CancellationToken.None);
        Assert.Null(retried.Count);
        Assert.Equal(3, _server.CountDocuments(Collection));
    }

    [Fact]
    public async Task CallerCancellationIsNotReportedAsATimeout()
    {
        var (client, pipeline) = Create(timeoutSeconds: 30);
        await using var _ = client;
        _server.DelayNextResponses(1, TimeSpan.FromSeconds(10));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pipeline.DeliverAsync(ThreeInserts(), cts.Token));
    }

    [Fact]
    public async Task WrongApiKeyGivesAClearRetryableError()
    {
        var (client, pipeline) = Create(apiKey: "wrong-key");
        await using var _ = client;

        var result = await pipeline.DeliverAsync(ThreeInserts(), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Retryable, result[0].Status);
        Assert.Contains("rejected the API key", result[0].Error, StringComparison.Ordinal);
        Assert.Contains("HTTP 401", result[0].Error, StringComparison.Ordinal);
        Assert.Contains("x-typesense-api-key", result[0].Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key", result[0].Error, StringComparison.Ordinal);
        Assert.Equal(0, _server.CountDocuments(Collection));
    }

    [Fact]
    public async Task UnreachableServerIsRetryable()
    {
        var options = Some.Options("http://127.0.0.1:1", "key", Collection);
        ISinkPlugin plugin = new TypesenseSink();
        var client = plugin.CreateClient(options, Some.Context());
        await using var _ = client;
        var pipeline = plugin.CreatePipeline(options, client, Some.Context());

        var result = await pipeline.DeliverAsync(ThreeInserts(), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Retryable, result[0].Status);
        Assert.Contains("Could not reach Typesense", result[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedCollectionCreationIsReportedWithTypesensesReason()
    {
        var options = Some.Options(_server.Url, _server.ApiKey, "missing");
        options.CreateCollectionIfMissing = true;
        ISinkPlugin plugin = new TypesenseSink();
        await using var client = plugin.CreateClient(options, Some.Context());
        var pipeline = plugin.CreatePipeline(options, client, Some.Context());
        _server.FailNextRequests(2, 404, "Not Found"); // the import, then the create: as if the key may not create collections.

        var result = await pipeline.DeliverAsync(Some.Batch(
            Some.Routed(Some.Product(ChangeAction.Insert, 1), "missing"),
            Some.Routed(Some.Product(ChangeAction.Insert, 2), "missing")), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Permanent, result[0].Status);
        Assert.Contains("creating it failed", result[0].Error, StringComparison.Ordinal);
        Assert.Contains("creating collection 'missing'", result[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportSendsJsonlWithTheConfiguredActionAndStringIds()
    {
        var (client, pipeline) = Create();
        await using var _ = client;

        await pipeline.DeliverAsync(ThreeInserts(), CancellationToken.None);

        Assert.Contains(_server.Requests, r => r == $"POST /collections/{Collection}/documents/import?action=emplace");
        Assert.Equal("1", _server.GetDocument(Collection, "1")!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeletesAreBatchedIntoOneFilterRequest()
    {
        var (client, pipeline) = Create();
        await using var _ = client;
        await pipeline.DeliverAsync(ThreeInserts(), CancellationToken.None);
        var before = _server.Requests.Count;

        var result = await pipeline.DeliverAsync(Some.Batch(
            Some.Routed(Some.Product(ChangeAction.Delete, 1), Collection),
            Some.Routed(Some.Product(ChangeAction.Delete, 3), Collection)), CancellationToken.None);

        Assert.Null(result.Count);
        var request = Assert.Single(_server.Requests.Skip(before));
        Assert.StartsWith($"DELETE /collections/{Collection}/documents?filter_by=", request, StringComparison.Ordinal);
        Assert.Equal(1, _server.CountDocuments(Collection));
        Assert.NotNull(_server.GetDocument(Collection, "2"));
    }

    [Fact]
    public async Task IdsThatCannotBeFilteredAreDeletedOneByOne()
    {
        var (client, pipeline) = Create();
        await using var _ = client;
        _server.CreateCollection("odd");
        var put = await pipeline.DeliverAsync(Some.Batch(
            Some.Routed(Some.Product(ChangeAction.Insert, 1), "odd", transformed: "{\"id\":\"a`b\"}"),
            Some.Routed(Some.Product(ChangeAction.Insert, 2), "odd", transformed: "{\"id\":\"c d\"}")), CancellationToken.None);
        Assert.Null(put.Count);

        var result = await pipeline.DeliverAsync(Some.Batch(
            Some.Routed(Some.Product(ChangeAction.Delete, 1), "odd", transformed: "{\"id\":\"a`b\"}"),
            Some.Routed(Some.Product(ChangeAction.Delete, 2), "odd", transformed: "{\"id\":\"c d\"}")), CancellationToken.None);

        Assert.Null(result.Count);
        Assert.Equal(0, _server.CountDocuments("odd"));
    }

    [Fact]
    public async Task FilterRefusedByServerFallsBackToDeletesById()
    {
        var (client, pipeline) = Create();
        await using var _ = client;
        await pipeline.DeliverAsync(ThreeInserts(), CancellationToken.None);
        _server.FailNextRequests(1, 400, "Could not find a filter field named `id` in the schema.");

        var result = await pipeline.DeliverAsync(Some.Batch(
            Some.Routed(Some.Product(ChangeAction.Delete, 1), Collection),
            Some.Routed(Some.Product(ChangeAction.Delete, 2), Collection)), CancellationToken.None);

        Assert.Null(result.Count);
        Assert.Equal(1, _server.CountDocuments(Collection));
    }
}
