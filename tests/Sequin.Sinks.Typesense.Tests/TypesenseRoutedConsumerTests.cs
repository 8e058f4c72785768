using System.Text.Json;
using Jint;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Typesense;
using Sequin.Sinks.Typesense.Tests.Support;

namespace Sequin.Sinks.Typesense.Tests;

public sealed class TypesenseRoutedConsumerTests
{
    /// <summary>The soft-delete example of docs/reference/sinks/typesense.md, kept identical.</summary>
    internal const string SoftDeleteRoutingFunction = """
        function route(action, record, changes, metadata) {
          var softDeleted = record.deleted_at !== null && record.deleted_at !== undefined;
          return {
            action: (action === "delete" || softDeleted) ? "delete" : "index",
            collection_name: "sequin." + metadata.table_schema + "." + metadata.table_name
          };
        }
        """;

    private readonly IRoutedConsumer _routing = ((ISinkPlugin)new TypesenseSink()).Routing;

    [Theory]
    [InlineData(ChangeAction.Insert, "index")]
    [InlineData(ChangeAction.Update, "index")]
    [InlineData(ChangeAction.Read, "index")]
    [InlineData(ChangeAction.Delete, "delete")]
    public void DefaultRouteMapsActionAndNamesCollectionAfterTable(ChangeAction action, string expected)
    {
        var route = new Route(_routing.Keys);

        _routing.ApplyDefaultRoute(Some.Product(action, 1), route);

        Assert.Equal(expected, route["action"]);
        Assert.Equal("sequin.public.products", route["collection_name"]);
        Assert.Null(_routing.Validate(route));
        Assert.All(_routing.Keys, k => Assert.Null(k.Check(route[k.Name])));
    }

    [Fact]
    public void StaticRouteTakesCollectionFromOptions()
    {
        var route = new Route(_routing.Keys);
        _routing.ApplyDefaultRoute(Some.Product(ChangeAction.Delete, 1), route);

        _routing.ApplyStaticRoute(new TypesenseSinkOptions { CollectionName = "products" }, route);

        Assert.Equal("products", route["collection_name"]);
        Assert.Equal("delete", route["action"]);
    }

    [Fact]
    public void StaticRouteWithWrongOptionsTypeIsRejected() =>
        Assert.Throws<ArgumentException>(() => _routing.ApplyStaticRoute(new object(), new Route(_routing.Keys)));

    [Fact]
    public void KeysAreActionAndCollectionNameWithTheOriginalsRules()
    {
        var keys = _routing.Keys.ToDictionary(k => k.Name);

        Assert.Equal(["action", "collection_name"], _routing.Keys.Select(k => k.Name));
        Assert.True(keys["action"].Required);
        Assert.True(keys["collection_name"].Required);
        Assert.Null(keys["action"].Check("index"));
        Assert.Null(keys["action"].Check("delete"));
        Assert.Contains("must be one of: index, delete", keys["action"].Check("upsert"), StringComparison.Ordinal);
        Assert.Contains("required", keys["action"].Check(null), StringComparison.Ordinal);
        Assert.Contains("too short", keys["collection_name"].Check(""), StringComparison.Ordinal);
        Assert.Null(keys["collection_name"].Check(new string('c', 1024)));
        Assert.Contains("too long", keys["collection_name"].Check(new string('c', 1025)), StringComparison.Ordinal);
        Assert.Contains("required", keys["collection_name"].Check(null), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("insert", "index")]
    [InlineData("update", "index")]
    [InlineData("read", "index")]
    [InlineData("delete", "delete")]
    public void DefaultRoutingFunctionIsEs5AndMatchesTheDefaultRoute(string action, string expected)
    {
        var output = RunRoute(_routing.DefaultRoutingFunction, action, "{\"id\":1,\"name\":\"Widget\",\"deleted_at\":null}");

        Assert.Equal(expected, output["action"]);
        Assert.Equal("sequin.public.products", output["collection_name"]);
        Assert.Equal(2, output.Count);
    }

    [Fact]
    public void SoftDeleteExampleRoutesAnUpdateWithDeletedAtToDelete()
    {
        var output = RunRoute(SoftDeleteRoutingFunction, "update", "{\"id\":1,\"name\":\"Widget\",\"deleted_at\":\"2025-03-01T10:00:00Z\"}");

        Assert.Equal("delete", output["action"]);
        Assert.Equal("sequin.public.products", output["collection_name"]);
    }

    [Fact]
    public void SoftDeleteExampleIndexesAnUpdateWithoutDeletedAt()
    {
        var output = RunRoute(SoftDeleteRoutingFunction, "update", "{\"id\":1,\"name\":\"Widget\",\"deleted_at\":null}");

        Assert.Equal("index", output["action"]);
    }

    [Fact]
    public void SoftDeleteExampleIsPartOfTheReferenceDocs()
    {
        var docs = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "reference", "sinks", "typesense.md"));

        Assert.Contains(SoftDeleteRoutingFunction.ReplaceLineEndings("\n"), docs.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    private static Dictionary<string, string> RunRoute(string function, string action, string recordJson)
    {
        var engine = new Engine(o => o.TimeoutInterval(TimeSpan.FromSeconds(2)));
        engine.Execute(function);
        const string metadata = "{\"table_schema\":\"public\",\"table_name\":\"products\",\"record_pks\":[\"1\"]}";
        engine.Execute($"var __out = JSON.stringify(route({JsonSerializer.Serialize(action)}, {recordJson}, null, {metadata}));");
        var json = engine.GetValue("__out").AsString();
        return JsonSerializer.Deserialize<Dictionary<string, string>>(json)!;
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Sequin.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Sequin.sln not found above " + AppContext.BaseDirectory);
    }
}
