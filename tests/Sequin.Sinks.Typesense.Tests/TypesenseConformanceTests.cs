using Sequin.Sinks.Testing;
using Sequin.Sinks.Typesense.Tests.Support;

namespace Sequin.Sinks.Typesense.Tests;

/// <summary>
/// The SDK's promises (<see cref="SinkConformanceTests{TOptions}"/>) against the Typesense fake written to Typesense's
/// documented behaviour (or the real server <see cref="TypesenseTarget"/> names); a collection that does not exist
/// (and is not to be created) refuses a document for good.
/// </summary>
public sealed class TypesenseConformanceTests(TypesenseTarget target)
    : SinkConformanceTests<TypesenseSinkOptions>(new TypesenseSink()), IClassFixture<TypesenseTarget>, IAsyncLifetime
{
    private readonly string _collection = Some.UniqueCollection("conformance");

    protected override IReadOnlyList<(string Key, string? Value)> ReachableDestination =>
        [("endpoint_url", target.Url), ("api_key", target.ApiKey), ("collection_name", _collection), ("timeout_seconds", "10")];

    // Port 9 (discard) is closed on loopback here.
    protected override IReadOnlyList<(string Key, string? Value)> UnreachableDestination =>
        [("endpoint_url", "http://127.0.0.1:9"), ("api_key", "conformance-key"), ("collection_name", "orders"), ("timeout_seconds", "2")];

    protected override RoutedMessage? PermanentlyRefusedMessage(TypesenseSinkOptions options) =>
        Kit.Routed(TestTable.Order(13), options, values: (TypesenseSink.CollectionNameKey, Some.UniqueCollection("conformance_missing")));

    public async Task InitializeAsync() => await target.CreateCollectionAsync(_collection);

    public Task DisposeAsync() => Task.CompletedTask;
}
