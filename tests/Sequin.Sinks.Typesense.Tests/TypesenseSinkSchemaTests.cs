using Microsoft.Extensions.Configuration;
using Sequin.Sinks;
using Sequin.Sinks.Typesense;

namespace Sequin.Sinks.Typesense.Tests;

public sealed class TypesenseSinkSchemaTests
{
    private const string Path = "sinks[0].destination";
    private readonly ISinkSchema _schema = ((ISinkPlugin)new TypesenseSink()).Schema;

    private static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static (string, string?)[] Valid(params (string Key, string? Value)[] overrides)
    {
        var values = new Dictionary<string, string?>
        {
            ["type"] = "typesense",
            ["endpoint_url"] = "http://localhost:8108",
            ["api_key"] = "s3cret-key",
            ["collection_name"] = "products",
        };
        foreach (var (k, v) in overrides)
        {
            if (v is null)
            {
                values.Remove(k);
            }
            else
            {
                values[k] = v;
            }
        }

        return values.Select(kv => (kv.Key, kv.Value)).ToArray();
    }

    private SinkOptionsParseResult Parse(RoutingMode mode, params (string, string?)[] overrides) => _schema.Parse(Config(Valid(overrides)), mode, Path);

    private static void AssertSingleError(SinkOptionsParseResult result, string key, string contains)
    {
        var error = Assert.Single(result.Errors);
        Assert.Equal($"{Path}.{key}", error.Path);
        Assert.Contains(contains, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidStaticConfigParsesWithDefaults()
    {
        var result = Parse(RoutingMode.Static);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var options = Assert.IsType<TypesenseSinkOptions>(result.Options);
        Assert.Equal("http://localhost:8108", options.EndpointUrl);
        Assert.Equal("s3cret-key", options.ApiKey);
        Assert.Equal("products", options.CollectionName);
        Assert.Equal(40, options.BatchSize);
        Assert.Equal(10, options.TimeoutSeconds);
        Assert.Equal(TypesenseImportAction.Emplace, options.ImportAction);
        Assert.False(options.CreateCollectionIfMissing);
    }

    [Fact]
    public void AllFieldsParse()
    {
        var result = Parse(RoutingMode.Static, ("batch_size", "500"), ("timeout_seconds", "3600"), ("import_action", "upsert"), ("create_collection_if_missing", "true"));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var options = (TypesenseSinkOptions)result.Options;
        Assert.Equal(500, options.BatchSize);
        Assert.Equal(3600, options.TimeoutSeconds);
        Assert.Equal(TypesenseImportAction.Upsert, options.ImportAction);
        Assert.True(options.CreateCollectionIfMissing);
    }

    [Fact]
    public void StaticModeWithoutCollectionNameIsRejected() =>
        AssertSingleError(Parse(RoutingMode.Static, ("collection_name", null)), "collection_name", "Required when routing is static");

    [Fact]
    public void StaticModeWithEmptyCollectionNameIsRejected() =>
        AssertSingleError(Parse(RoutingMode.Static, ("collection_name", "")), "collection_name", "Must not be empty");

    [Fact]
    public void DynamicModeClearsCollectionName()
    {
        var result = Parse(RoutingMode.Dynamic);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Null(((TypesenseSinkOptions)result.Options).CollectionName);
    }

    [Fact]
    public void DynamicModeWithoutCollectionNameIsValid() =>
        Assert.True(Parse(RoutingMode.Dynamic, ("collection_name", null)).IsValid);

    [Fact]
    public void CollectionNameLongerThan1024IsRejected() =>
        AssertSingleError(Parse(RoutingMode.Static, ("collection_name", new string('c', 1025))), "collection_name", "at most 1024");

    [Fact]
    public void CollectionNameOf1024IsAccepted() =>
        Assert.True(Parse(RoutingMode.Static, ("collection_name", new string('c', 1024))).IsValid);

    [Theory]
    [InlineData(RoutingMode.Static)]
    [InlineData(RoutingMode.Dynamic)]
    public void MissingEndpointUrlIsRejected(RoutingMode mode) =>
        AssertSingleError(Parse(mode, ("endpoint_url", null)), "endpoint_url", "Required");

    [Theory]
    [InlineData(RoutingMode.Static)]
    [InlineData(RoutingMode.Dynamic)]
    public void MissingApiKeyIsRejected(RoutingMode mode) =>
        AssertSingleError(Parse(mode, ("api_key", null)), "api_key", "Required");

    [Theory]
    [InlineData("ftp://localhost:8108", "http or https")]
    [InlineData("localhost:8108", "http or https")]
    [InlineData("not a url", "absolute URL")]
    [InlineData("http://localhost:8108/?x=1", "query string")]
    [InlineData("http://localhost:8108/#top", "fragment")]
    [InlineData("http:///path-only", "")]
    public void BadEndpointUrlIsRejected(string url, string reason)
    {
        var result = Parse(RoutingMode.Static, ("endpoint_url", url));

        var error = Assert.Single(result.Errors);
        Assert.Equal($"{Path}.endpoint_url", error.Path);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://search.example.com")]
    [InlineData("http://127.0.0.1:8108/")]
    [InlineData("https://proxy.example.com/typesense")]
    public void GoodEndpointUrlIsAccepted(string url) =>
        Assert.True(Parse(RoutingMode.Static, ("endpoint_url", url)).IsValid);

    [Fact]
    public void EndpointUrlLongerThan4096IsRejected() =>
        AssertSingleError(Parse(RoutingMode.Static, ("endpoint_url", "http://h/" + new string('p', 4090))), "endpoint_url", "at most 4096");

    [Theory]
    [InlineData("0", "at least 1")]
    [InlineData("10001", "at most 10000")]
    [InlineData("ten", "whole number")]
    public void BatchSizeOutOfRangeIsRejected(string value, string reason) =>
        AssertSingleError(Parse(RoutingMode.Static, ("batch_size", value)), "batch_size", reason);

    [Theory]
    [InlineData("0", "at least 1")]
    [InlineData("3601", "at most 3600")]
    public void TimeoutOutOfRangeIsRejected(string value, string reason) =>
        AssertSingleError(Parse(RoutingMode.Static, ("timeout_seconds", value)), "timeout_seconds", reason);

    [Theory]
    [InlineData("1")]
    [InlineData("10000")]
    public void BatchSizeBoundsAreAccepted(string value) =>
        Assert.True(Parse(RoutingMode.Static, ("batch_size", value)).IsValid);

    public static TheoryData<RoutingMode, string, string, string> BadValues()
    {
        var data = new TheoryData<RoutingMode, string, string, string>();
        foreach (var mode in new[] { RoutingMode.Static, RoutingMode.Dynamic })
        {
            data.Add(mode, "endpoint_url", "https://h/?q", "query string");
            data.Add(mode, "api_key", "", "Must not be empty");
            data.Add(mode, "batch_size", "0", "at least 1");
            data.Add(mode, "batch_size", "10001", "at most 10000");
            data.Add(mode, "timeout_seconds", "0", "at least 1");
            data.Add(mode, "timeout_seconds", "3601", "at most 3600");
            data.Add(mode, "import_action", "replace", "emplace, upsert");
            data.Add(mode, "create_collection_if_missing", "maybe", "true or false");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void EachRuleAppliesInBothRoutingModes(RoutingMode mode, string key, string value, string reason) =>
        AssertSingleError(Parse(mode, (key, value)), key, reason);

    [Fact]
    public void UnknownImportActionIsRejected() =>
        AssertSingleError(Parse(RoutingMode.Static, ("import_action", "create")), "import_action", "emplace, upsert");

    [Fact]
    public void NonBooleanCreateCollectionIfMissingIsRejected() =>
        AssertSingleError(Parse(RoutingMode.Static, ("create_collection_if_missing", "yes")), "create_collection_if_missing", "true or false");

    [Fact]
    public void UnknownFieldIsRejectedWithItsPath() =>
        AssertSingleError(Parse(RoutingMode.Static, ("collection", "x")), "collection", "Unknown field");

    [Fact]
    public void EveryMistakeIsReportedAtOnce()
    {
        var result = Parse(RoutingMode.Static, ("endpoint_url", "ftp://x"), ("api_key", null), ("batch_size", "0"));

        Assert.Equal(3, result.Errors.Count);
    }

    [Fact]
    public void ExportMasksTheApiKey()
    {
        var options = (TypesenseSinkOptions)Parse(RoutingMode.Static).Options;

        var exported = _schema.Export(options).ToDictionary(kv => kv.Key, kv => kv.Value);

        Assert.Equal(SinkSchema<TypesenseSinkOptions>.MaskedSecret, exported["api_key"]);
        Assert.DoesNotContain(exported.Values, v => v.Contains("s3cret", StringComparison.Ordinal));
        Assert.Equal("http://localhost:8108", exported["endpoint_url"]);
        Assert.Equal("products", exported["collection_name"]);
        Assert.Equal("40", exported["batch_size"]);
        Assert.Equal("emplace", exported["import_action"]);
        Assert.Equal("false", exported["create_collection_if_missing"]);
    }

    [Fact]
    public void ExportInDynamicModeLeavesCollectionOut()
    {
        var options = (TypesenseSinkOptions)Parse(RoutingMode.Dynamic).Options;

        Assert.DoesNotContain(_schema.Export(options), kv => kv.Key == "collection_name");
    }

    [Fact]
    public void ErrorsNeverContainTheApiKey()
    {
        var result = Parse(RoutingMode.Static, ("endpoint_url", "ftp://x"), ("batch_size", "0"), ("collection_name", null));

        Assert.NotEmpty(result.Errors);
        Assert.DoesNotContain(result.Errors, e => e.ToString().Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public void FieldMetadataDescribesEveryField()
    {
        var fields = _schema.Fields.ToDictionary(f => f.Name);

        Assert.Equal(["endpoint_url", "api_key", "collection_name", "batch_size", "timeout_seconds", "import_action", "create_collection_if_missing"], _schema.Fields.Select(f => f.Name));
        Assert.True(fields["api_key"].Secret);
        Assert.True(fields["api_key"].Required);
        Assert.True(fields["endpoint_url"].Required);
        Assert.True(fields["collection_name"].Routable);
        Assert.Equal(1024, fields["collection_name"].MaxLength);
        Assert.Equal("40", fields["batch_size"].DefaultValue);
        Assert.Equal(10_000, fields["batch_size"].Maximum);
        Assert.Equal("10", fields["timeout_seconds"].DefaultValue);
        Assert.Equal(3600, fields["timeout_seconds"].Maximum);
        Assert.Equal(["emplace", "upsert"], fields["import_action"].AllowedValues);
        Assert.Equal(SinkFieldType.Enum, fields["import_action"].Type);
        Assert.All(_schema.Fields, f => Assert.False(string.IsNullOrWhiteSpace(f.Description)));
    }

    [Fact]
    public void PluginExposesTypeNameAndParts()
    {
        ISinkPlugin plugin = new TypesenseSink();
        var attribute = Assert.Single(typeof(TypesenseSink).Assembly.GetCustomAttributes(typeof(SequinSinkPluginAttribute), false).Cast<SequinSinkPluginAttribute>());

        Assert.Equal("typesense", plugin.TypeName);
        Assert.Equal(typeof(TypesenseSink), attribute.PluginType);
        Assert.Equal(["action", "collection_name"], plugin.Routing.Keys.Select(k => k.Name));
        Assert.Equal(typeof(TypesenseSinkOptions), plugin.Schema.OptionsType);
    }
}
