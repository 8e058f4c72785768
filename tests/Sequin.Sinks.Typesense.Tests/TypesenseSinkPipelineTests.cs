using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Typesense;
using Sequin.Sinks.Typesense.Tests.Support;

namespace Sequin.Sinks.Typesense.Tests;

/// <summary>Pipeline against a Typesense server: a real one given TYPESENSE_URL and TYPESENSE_API_KEY, else the fake.</summary>
public sealed class TypesenseSinkPipelineTests : IClassFixture<TypesenseTarget>
{
    private readonly TypesenseTarget _target;

    public TypesenseSinkPipelineTests(TypesenseTarget target) => _target = target;

    private (ISinkClient Client, ISinkPipeline Pipeline) Create(string? collection = null, Action<TypesenseSinkOptions>? configure = null)
    {
        var options = Some.Options(_target.Url, _target.ApiKey, collection);
        configure?.Invoke(options);
        ISinkPlugin plugin = new TypesenseSink();
        var context = Some.Context();
        var client = plugin.CreateClient(options, context);
        return (client, plugin.CreatePipeline(options, client, context));
    }

    [Fact]
    public async Task InsertsAreIndexedWithStringIds()
    {
        var collection = await _target.CreateCollectionAsync(Some.UniqueCollection());
        var (client, pipeline) = Create(collection);
        await using var _ = client;

        var result = await pipeline.DeliverAsync(Some.Batch(
            Some.Routed(Some.Product(ChangeAction.Insert, 1, "Widget"), collection),
            Some.Routed(Some.Product(ChangeAction.Insert, 2, "Gadget"), collection),
            Some.Routed(Some.Product(ChangeAction.Read, 3, "Gizmo"), collection)), CancellationToken.None);

        Assert.Null(result.Count);
        var doc = await _target.GetDocumentAsync(collection, "2");
        Assert.NotNull(doc);
        Assert.Equal("2", doc["id"]!.GetValue<string>());
        Assert.Equal("Gadget", doc["name"]!.GetValue<string>());
        Assert.NotNull(await _target.GetDocumentAsync(collection, "1"));
        Assert.NotNull(await _target.GetDocumentAsync(collection, "3"));
    }

    [Fact]
    public async Task SingleDocumentIsIndexedWithItsNumericIdStringified()
    {
        var collection = await _target.CreateCollectionAsync(Some.UniqueCollection());
        var (client, pipeline) = Create(collection);
        await using var _ = client;

        var result = await pipeline.DeliverAsync(Some.Batch(Some.Routed(Some.Product(ChangeAction.Insert, 42), collection)), CancellationToken.None);

        Assert.True(result[0].IsDelivered, result[0].Error);
        var doc = await _target.GetDocumentAsync(collection, "42");
        Assert.Equal("42", doc!["id"]!.GetValue<string>());
        Assert.Equal(9.5, doc["price"]!.GetValue<double>());
    }

    [Fact]
    public async Task TransformedNumericIdIsSentAsString()
    {
        var collection = await _target.CreateCollectionAsync(Some.UniqueCollection());
        var (client, pipeline) = Create(collection);
        await using var _ = client;

        var result = await pipeline.DeliverAsync(Some.Batch(
            Some.Routed(Some.Product(ChangeAction.Insert, 7), collection, transformed: "{\"id\": 700, \"title\": \"Seven\"}"),
            Some.Routed(Some.Product(ChangeAction.Insert, 8), collection, transformed: "{\"id\": \"sku-8\", \"title\": \"Eight\"}")), CancellationToken.None);

        Assert.Null(result.Count);
        Assert.Equal("Seven", (await _target.GetDocumentAsync(collection, "700"))!["title"]!.GetValue<string>());
        Assert.Equal("Eight", (await _target.GetDocumentAsync(collection, "sku-8"))!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task UpdateMergesIntoTheExistingDocument()
    {
        var collection = await _target.CreateCollectionAsync(Some.UniqueCollection());
        var (client, pipeline) = Create(collection);
        await using var _ = client;
        await _target.IndexAsync(collection, "{\"id\":\"5\",\"name\":\"Old\",\"stock\":3}");

        var result = await pipeline.DeliverAsync(Some.Batch(Some.Routed(Some.Product(ChangeAction.Update, 5, "New"), collection)), CancellationToken.None);

        Assert.True(result[0].IsDelivered, result[0].Error);
        var doc = await _target.GetDocumentAsync(collection, "5");
        Assert.Equal("New", doc!["name"]!.GetValue<string>());
        Assert.Equal(3, doc["stock"]!.GetValue<int>()); // emplace keeps fields the change does not carry.
    }

    [Fact]
    public async Task UnchangedToastColumnsKeepTheirIndexedValue()
    {
        var collection = await _target.CreateCollectionAsync(Some.UniqueCollection());
        var (client, pipeline) = Create(collection);
        await using var _ = client;
        await _target.IndexAsync(collection, "{\"id\":\"6\",\"name\":\"Long description kept\",\"price\":1.0}");
        var record = new RowImage(Some.Products, [ColumnValue.FromText("6"), ColumnValue.UnchangedToast, ColumnValue.FromText("2.5"), ColumnValue.Null]);

        var result = await pipeline.DeliverAsync(Some.Batch(Some.Routed(Some.Message(ChangeAction.Update, record), collection)), CancellationToken.None);

        Assert.True(result[0].IsDelivered, result[0].Error);
        var doc = await _target.GetDocumentAsync(collection, "6");
        Assert.Equal("Long description kept", doc!["name"]!.GetValue<string>());
        Assert.Equal(2.5, doc["price"]!.GetValue<double>());
    }

    [Fact]
    public async Task UpsertReplacesTheExistingDocument()
    {
        var collection = await _target.CreateCollectionAsync(Some.UniqueCollection());
        var (client, pipeline) = Create(collection, o => o.ImportAction = TypesenseImportAction.Upsert);
        await using var _ = client;
        await _target.IndexAsync(collection, "{\"id\":\"5\",\"name\":\"Old\",\"stock\":3}");

        var result = await pipeline.DeliverAsync(Some.Batch(
            Some.Routed(Some.Product(ChangeAction.Update, 5, "New"), collection),
            Some.Routed(Some.Product(ChangeAction.Insert, 6, "Other"), collection)), CancellationToken.None);

        Assert.Null(result.Count);
        var doc = await _target.GetDocumentAsync(collection, "5");
        Assert.Equal("New", doc!["name"]!.GetValue<string>());
        Assert.Null(doc["stock"]);
    }

    [Fact]
    public async Task DeletesRemoveDocumentsAndMissingOnesSucceed()
    {
        var collection = await _target.CreateCollectionAsync(Some.UniqueCollection());
        var (client, pipeline) = Create(collection);
        await using var _ = client;
        await _target.IndexAsync(collection, "{\"id\":\"1\",\"name\":\"A\"}");
        await _target.IndexAsync(collection, "{\"id\":\"2\",\"name\":\"B\"}");
        await _target.IndexAsync(collection, "{\"id\":\"3\",\"name\":\"C\"}");

        var result = await pipeline.DeliverAsync(Some.Batch(
            Some.Routed(Some.Product(ChangeAction.Delete, 1), collection),
            Some.Routed(Some.Product(ChangeAction.Delete, 2), collection),
            Some.Routed(Some.Product(ChangeAction.Delete, 99), collection)), CancellationToken.None);

        Assert.Null(result.Count);
        Assert.Null(await _target.GetDocumentAsync(collection, "1"));
        Assert.Null(await _target.GetDocumentAsync(collection, "2"));
        Assert.NotNull(await _target.GetDocumentAsync(collection, "3"));
    }

    [Fact]
    public async Task SingleDeleteOfAMissingDocumentSucceeds()
    {
        var collection = await _target.CreateCollectionAsync(Some.UniqueCollection());
        var (client, pipeline) = Create(collection);
        await using var _ = client;
        await _target.IndexAsync(collection, "{\"id\":\"1\",\"name\":\"A\"}");

        var result = await pipeline.DeliverAsync(Some.Batch(Some.Routed(Some.Product(ChangeAction.Delete, 1), collection)), CancellationToken.None);
        var again = await pipeline.DeliverAsync(Some.Batch(Some.Routed(Some.Product(ChangeAction.Delete, 1), collection)), CancellationToken.None);

        Assert.True(result[0].IsDelivered, result[0].Error);
        Assert.True(again[0].IsDelivered, again[0].Error);
        Assert.Null(await _target.GetDocumentAsync(collection, "1"));
    }

    [Fact]
    public async Task SoftDeleteRoutedUpdateDeletesTheDocument()
    {
        var collection = await _target.CreateCollectionAsync(Some.UniqueCollection());
        var (client, pipeline) = Create(collection);
        await using var _ = client;
        await _target.IndexAsync(collection, "{\"id\":\"4\",\"name\":\"A\"}");

        // The routing function turned this update (deleted_at set) into a delete.
        var message = Some.Product(ChangeAction.Update, 4, deletedAt: "2025-03-01 10:00:00+00");
        var result = await pipeline.DeliverAsync(Some.Batch(Some.Routed(message, collection, action: "delete")), CancellationToken.None);

        Assert.True(result[0].IsDelivered, result[0].Error);
        Assert.Null(await _target.GetDocumentAsync(collection, "4"));
    }

    [Fact]
    public async Task CompositePrimaryKeyIsJoinedWithColons()
    {
        var collection = await _target.CreateCollectionAsync(Some.UniqueCollection("lines"));
        var (client, pipeline) = Create(collection);
        await using var _ = client;

        var result = await pipeline.DeliverAsync(Some.Batch(Some.Routed(Some.OrderLine(ChangeAction.Insert, 10, 2, "B-7"), collection)), CancellationToken.None);

        Assert.True(result[0].IsDelivered, result[0].Error);
        Assert.Equal("B-7", (await _target.GetDocumentAsync(collection, "10:2"))!["sku"]!.GetValue<string>());
    }

    [Fact]
    public async Task RejectedDocumentFailsAloneAndTheRestOfTheBatchIsIndexed()
    {
        var collection = await _target.CreateCollectionAsync(Some.UniqueCollection(), "[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"price\",\"type\":\"float\"}]");
        var (client, pipeline) = Create(collection);
        await using var _ = client;

        var result = await pipeline.DeliverAsync(Some.Batch(
            Some.Routed(Some.Product(ChangeAction.Insert, 1), collection),
            Some.Routed(Some.Product(ChangeAction.Insert, 2), collection, transformed: "{\"id\": 2, \"price\": 3.5}"),
            Some.Routed(Some.Product(ChangeAction.Insert, 3), collection)), CancellationToken.None);

        Assert.Equal(3, result.Count);
        Assert.True(result[0].IsDelivered);
        Assert.Equal(DeliveryStatus.Permanent, result[1].Status);
        Assert.Contains("document '2'", result[1].Error, StringComparison.Ordinal);
        Assert.Contains("name", result[1].Error, StringComparison.Ordinal);
        Assert.True(result[2].IsDelivered);
        Assert.NotNull(await _target.GetDocumentAsync(collection, "3"));
        Assert.Null(await _target.GetDocumentAsync(collection, "2"));
    }

    [Fact]
    public async Task RejectedSingleDocumentIsPermanentWithTypesensesMessage()
    {
        var collection = await _target.CreateCollectionAsync(Some.UniqueCollection(), "[{\"name\":\"title\",\"type\":\"string\"}]");
        var (client, pipeline) = Create(collection);
        await using var _ = client;

        var result = await pipeline.DeliverAsync(Some.Batch(Some.Routed(Some.Product(ChangeAction.Insert, 1), collection)), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Permanent, result[0].Status);
        Assert.Contains("title", result[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingCollectionIsCreatedWhenConfigured()
    {
        var collection = Some.UniqueCollection();
        _target.Track(collection);
        var (client, pipeline) = Create(collection, o => o.CreateCollectionIfMissing = true);
        await using var _ = client;

        var result = await pipeline.DeliverAsync(Some.Batch(
            Some.Routed(Some.Product(ChangeAction.Insert, 1), collection),
            Some.Routed(Some.Product(ChangeAction.Insert, 2), collection)), CancellationToken.None);

        Assert.Null(result.Count);
        Assert.True(await _target.CollectionExistsAsync(collection));
        Assert.NotNull(await _target.GetDocumentAsync(collection, "2"));
    }

    [Fact]
    public async Task MissingCollectionWithoutCreateIsAPermanentFailureNamingTheCollection()
    {
        var collection = Some.UniqueCollection();
        var (client, pipeline) = Create(collection);
        await using var _ = client;

        var result = await pipeline.DeliverAsync(Some.Batch(Some.Routed(Some.Product(ChangeAction.Insert, 1), collection)), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Permanent, result[0].Status);
        Assert.Contains(collection, result[0].Error, StringComparison.Ordinal);
        Assert.Contains("create_collection_if_missing", result[0].Error, StringComparison.Ordinal);
        Assert.False(await _target.CollectionExistsAsync(collection));
    }

    [Fact]
    public async Task DeleteFromAMissingCollectionSucceeds()
    {
        var (client, pipeline) = Create();
        await using var _ = client;
        var collection = Some.UniqueCollection();

        var result = await pipeline.DeliverAsync(Some.Batch(
            Some.Routed(Some.Product(ChangeAction.Delete, 1), collection),
            Some.Routed(Some.Product(ChangeAction.Delete, 2), collection)), CancellationToken.None);

        Assert.Null(result.Count);
    }

    [Fact]
    public async Task MixedBatchWritesToEachCollectionAndAction()
    {
        var first = await _target.CreateCollectionAsync(Some.UniqueCollection());
        var second = await _target.CreateCollectionAsync(Some.UniqueCollection());
        await _target.IndexAsync(second, "{\"id\":\"9\",\"name\":\"gone\"}");
        var (client, pipeline) = Create();
        await using var _ = client;

        var result = await pipeline.DeliverAsync(Some.Batch(
            Some.Routed(Some.Product(ChangeAction.Insert, 1), first),
            Some.Routed(Some.Product(ChangeAction.Insert, 2), second),
            Some.Routed(Some.Product(ChangeAction.Delete, 9), second)), CancellationToken.None);

        Assert.Null(result.Count);
        Assert.NotNull(await _target.GetDocumentAsync(first, "1"));
        Assert.NotNull(await _target.GetDocumentAsync(second, "2"));
        Assert.Null(await _target.GetDocumentAsync(second, "9"));
    }
}
