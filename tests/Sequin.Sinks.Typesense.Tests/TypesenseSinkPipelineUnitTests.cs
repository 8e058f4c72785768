using System.Text;
using System.Text.Json;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Typesense;
using Sequin.Sinks.Typesense.Internal;
using Sequin.Sinks.Typesense.Tests.Support;

namespace Sequin.Sinks.Typesense.Tests;

/// <summary>Pipeline logic that needs no server: batch keys, batching limits, document building.</summary>
public sealed class TypesenseSinkPipelineUnitTests
{
    private static ISinkPipeline Pipeline(int batchSize = 40)
    {
        var options = Some.Options("http://127.0.0.1:8108", "key", "products");
        options.BatchSize = batchSize;
        ISinkPlugin plugin = new TypesenseSink();
        var context = Some.Context();
        return plugin.CreatePipeline(options, plugin.CreateClient(options, context), context);
    }

    [Fact]
    public void BatchKeySeparatesCollectionsAndActions()
    {
        var pipeline = Pipeline();

        var indexA = pipeline.GetBatchKey(Some.Routed(Some.Product(ChangeAction.Insert, 1), "a"));
        var indexA2 = pipeline.GetBatchKey(Some.Routed(Some.Product(ChangeAction.Update, 2), "a"));
        var deleteA = pipeline.GetBatchKey(Some.Routed(Some.Product(ChangeAction.Delete, 1), "a"));
        var indexB = pipeline.GetBatchKey(Some.Routed(Some.Product(ChangeAction.Insert, 1), "b"));

        Assert.Equal(indexA, indexA2);
        Assert.NotEqual(indexA, deleteA);
        Assert.NotEqual(indexA, indexB);
    }

    [Fact]
    public void BatchSizeComesFromTheDestinationsBatchSizeWithinTheLimitOf10000()
    {
        // The sink's own batch_size, when set, is applied over this by the consumer (within the same limit).
        Assert.Equal(40, Pipeline().Batching.MaxMessages);
        Assert.Equal(500, Pipeline(batchSize: 500).Batching.MaxMessages);
        Assert.Equal(10_000, Pipeline().Batching.MaxMessagesLimit);
    }

    [Fact]
    public void RecordIsTheDocumentWithTheKeyAsStringId()
    {
        var ok = TypesenseDocumentBuilder.TryBuild(Some.Routed(Some.Product(ChangeAction.Insert, 42, "Widget"), "p"), true, out var document, out var error);

        Assert.True(ok, error);
        Assert.Equal("42", document!.Id);
        var json = JsonDocument.Parse(document.Json).RootElement;
        Assert.Equal(JsonValueKind.String, json.GetProperty("id").ValueKind);
        Assert.Equal("42", json.GetProperty("id").GetString());
        Assert.Equal("Widget", json.GetProperty("name").GetString());
        Assert.Equal(9.5, json.GetProperty("price").GetDouble());
        Assert.False(json.TryGetProperty("metadata", out _));
        Assert.DoesNotContain((byte)'\n', document.Json.ToArray());
    }

    [Fact]
    public void RecordIsBuiltFromTheMessageWhenThereIsNoDefaultPayload()
    {
        var message = Some.Product(ChangeAction.Insert, 5, "Fallback");
        var routed = new RoutedMessage(message, Some.Route(message, "p"), "5", ReadOnlyMemory<byte>.Empty, isTransformed: false);

        Assert.True(TypesenseDocumentBuilder.TryBuild(routed, true, out var document, out _));
        Assert.Equal("Fallback", JsonDocument.Parse(document!.Json).RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public void NonAsciiTextStaysReadable()
    {
        Assert.True(TypesenseDocumentBuilder.TryBuild(Some.Routed(Some.Product(ChangeAction.Insert, 1, "Crème brûlée"), "p"), true, out var document, out _));

        Assert.Contains("Crème brûlée", Encoding.UTF8.GetString(document!.Json.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void TransformWithoutIdUsesThePrimaryKey()
    {
        Assert.True(TypesenseDocumentBuilder.TryBuild(Some.Routed(Some.OrderLine(ChangeAction.Insert, 3, 4), "p", transformed: "{\"title\":\"x\"}"), true, out var document, out _));

        Assert.Equal("3:4", document!.Id);
        Assert.Equal("3:4", JsonDocument.Parse(document.Json).RootElement.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("\"text\"", "must be a JSON object")]
    [InlineData("{\"id\": true}", "must be a string or a number")]
    [InlineData("{\"id\": {\"a\":1}}", "must be a string or a number")]
    [InlineData("{\"id\": \"\"}", "is empty")]
    [InlineData("{not json", "not valid JSON")]
    public void UnusableTransformOutputIsPermanentWithAReason(string transformed, string reason)
    {
        var ok = TypesenseDocumentBuilder.TryBuild(Some.Routed(Some.Product(ChangeAction.Insert, 1), "p", transformed: transformed), true, out _, out var error);

        Assert.False(ok);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TableWithoutKeyAndDocumentWithoutIdIsMissingTheId()
    {
        var message = Some.Message(ChangeAction.Insert, new RowImage(Some.NoKey, [ColumnValue.FromText("x")]));

        var ok = TypesenseDocumentBuilder.TryBuild(Some.Routed(message, "p"), true, out _, out var error);

        Assert.False(ok);
        Assert.Contains("Missing document ID", error, StringComparison.Ordinal);
        Assert.Contains("public.events", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnbuildableDocumentFailsAloneWithoutARequest()
    {
        await using var server = Sequin.TestServers.TypesenseFakeServer.Start();
        server.CreateCollection("p");
        var options = Some.Options(server.Url, server.ApiKey, "p");
        ISinkPlugin plugin = new TypesenseSink();
        await using var client = plugin.CreateClient(options, Some.Context());
        var pipeline = plugin.CreatePipeline(options, client, Some.Context());

        var result = await pipeline.DeliverAsync(Some.Batch(
            Some.Routed(Some.Product(ChangeAction.Insert, 1), "p", transformed: "[1]"),
            Some.Routed(Some.Product(ChangeAction.Insert, 2), "p")), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Permanent, result[0].Status);
        Assert.True(result[1].IsDelivered);
        Assert.Equal(1, server.CountDocuments("p"));
    }
}
