using Sequin.Sinks;
using Sequin.Sinks.Typesense;
using Sequin.Sinks.Typesense.Tests.Support;

namespace Sequin.Sinks.Typesense.Tests;

/// <summary>Connection and credential checks against a Typesense server (real given TYPESENSE_URL/TYPESENSE_API_KEY, else the fake).</summary>
public sealed class TypesenseSinkClientTests : IClassFixture<TypesenseTarget>
{
    private readonly TypesenseTarget _target;

    public TypesenseSinkClientTests(TypesenseTarget target) => _target = target;

    private ISinkClient Client(string? collection, string? apiKey = null, bool create = false, RoutingMode mode = RoutingMode.Static)
    {
        var options = Some.Options(_target.Url, apiKey ?? _target.ApiKey, collection);
        options.CreateCollectionIfMissing = create;
        return ((ISinkPlugin)new TypesenseSink()).CreateClient(options, Some.Context(mode));
    }

    [Fact]
    public async Task StaticConnectionTestPassesForAnExistingCollection()
    {
        var collection = await _target.CreateCollectionAsync(Some.UniqueCollection());
        await using var client = Client(collection);

        var result = await client.TestConnectionAsync(CancellationToken.None);

        Assert.True(result.Success, result.Message);
        Assert.Contains(collection, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaticConnectionTestFailsForAMissingCollection()
    {
        var collection = Some.UniqueCollection();
        await using var client = Client(collection);

        var result = await client.TestConnectionAsync(CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains($"Collection '{collection}' was not found", result.Message, StringComparison.Ordinal);
        Assert.Contains("create_collection_if_missing", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaticConnectionTestPassesForAMissingCollectionThatWillBeCreated()
    {
        var collection = Some.UniqueCollection();
        await using var client = Client(collection, create: true);

        var result = await client.TestConnectionAsync(CancellationToken.None);

        Assert.True(result.Success, result.Message);
        Assert.Contains("will be created", result.Message, StringComparison.Ordinal);
        Assert.False(await _target.CollectionExistsAsync(collection));
    }

    [Fact]
    public async Task StaticConnectionTestWithAWrongKeyFailsClearly()
    {
        var collection = await _target.CreateCollectionAsync(Some.UniqueCollection());
        await using var client = Client(collection, apiKey: "not-the-key");

        var result = await client.TestConnectionAsync(CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains("rejected the API key", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-key", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DynamicCredentialsTestPassesWithAGoodKey()
    {
        await using var client = Client(null, mode: RoutingMode.Dynamic);

        var result = await client.TestCredentialsAsync(CancellationToken.None);

        Assert.True(result.Success, result.Message);
        Assert.Contains("accepted the API key", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DynamicCredentialsTestFailsWithAWrongKey()
    {
        await using var client = Client(null, apiKey: "not-the-key", mode: RoutingMode.Dynamic);

        var result = await client.TestCredentialsAsync(CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains("rejected the API key", result.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 401", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-key", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionTestWithoutACollectionChecksTheCredentials()
    {
        await using var good = Client(null, mode: RoutingMode.Dynamic);
        await using var bad = Client(null, apiKey: "not-the-key", mode: RoutingMode.Dynamic);

        Assert.True((await good.TestConnectionAsync(CancellationToken.None)).Success);
        Assert.False((await bad.TestConnectionAsync(CancellationToken.None)).Success);
    }

    [Fact]
    public async Task UnreachableServerFailsTheTestWithTheAddress()
    {
        var options = Some.Options("http://127.0.0.1:1", "key", "products");
        await using var client = ((ISinkPlugin)new TypesenseSink()).CreateClient(options, Some.Context());

        var result = await client.TestConnectionAsync(CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains("http://127.0.0.1:1", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientRejectsOptionsWithoutAKey()
    {
        using var http = new HttpClient();

        var error = Assert.Throws<ArgumentException>(() => new TypesenseSinkClient(new TypesenseSinkOptions { EndpointUrl = "http://localhost:8108" }, http));

        Assert.Equal("options", error.ParamName);
    }

    [Fact]
    public async Task ClientUsesTheHostsHttpClientFactory()
    {
        var factory = new CountingHttpClientFactory();
        var services = new ServiceProviderStub(factory);
        var options = Some.Options(_target.Url, _target.ApiKey);
        await using var client = ((ISinkPlugin)new TypesenseSink()).CreateClient(options, Some.Context(services: services));

        var result = await client.TestCredentialsAsync(CancellationToken.None);

        Assert.True(result.Success, result.Message);
        Assert.Equal([TypesenseSinkClient.HttpClientName], factory.Names);
    }

    private sealed class CountingHttpClientFactory : IHttpClientFactory
    {
        public List<string> Names { get; } = [];

        public HttpClient CreateClient(string name)
        {
            Names.Add(name);
            return new HttpClient();
        }
    }

    private sealed class ServiceProviderStub(IHttpClientFactory factory) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(IHttpClientFactory) ? factory : null;
    }
}
