using Sequin.Sinks;

namespace Sequin.Sinks.Redis.Tests;

/// <summary>The <c>destination:</c> sections of <c>redis_string</c> and <c>redis_stream</c> as Core parses them: errors name the key.</summary>
public sealed class RedisSinkOptionsTests
{
    private readonly ISinkSchema _strings = ((ISinkPlugin)new RedisStringSink()).Schema;
    private readonly ISinkSchema _streams = ((ISinkPlugin)new RedisStreamSink()).Schema;

    [Fact]
    public void ARedisStringSectionParsesEveryKeyWithTheOriginalsDefaults()
    {
        var result = _strings.Parse(
            Some.Config(("host", "cache.internal"), ("username", "sequin"), ("password", "pw"), ("tls", "true"), ("database", "3"), ("expire_ms", "60000")),
            RoutingMode.Static,
            Some.Path);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var options = Assert.IsType<RedisStringSinkOptions>(result.Options);
        Assert.Equal(("cache.internal", 6379, "sequin", "pw", true, 3, 60000L), (options.Host, options.Port, options.Username, options.Password, options.Tls, options.Database, options.ExpireMs));
        Assert.Equal(15_000, options.TimeoutMs);
    }

    [Fact]
    public void HostIsRequiredAndPortDatabaseAndExpiryAreRangeChecked()
    {
        var missing = _strings.Parse(Some.Config(), RoutingMode.Static, Some.Path);
        Assert.Equal(Some.Path + ".host", Assert.Single(missing.Errors).Path);

        var result = _strings.Parse(Some.Config(("host", "h"), ("port", "0"), ("database", "-1"), ("expire_ms", "0")), RoutingMode.Static, Some.Path);
        Assert.Equal(
            [Some.Path + ".database", Some.Path + ".expire_ms", Some.Path + ".port"],
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ThePasswordIsMaskedOnExportAndNeverEchoedInErrors()
    {
        var result = _strings.Parse(Some.Config(("host", "h"), ("password", new string('p', 5000))), RoutingMode.Static, Some.Path);
        var error = Assert.Single(result.Errors);
        Assert.Equal(Some.Path + ".password", error.Path);
        Assert.DoesNotContain("ppppp", error.Message, StringComparison.Ordinal);

        var exported = _strings.Export(new RedisStringSinkOptions { Host = "h", Password = "s3cret-pw" });
        Assert.Contains(exported, kv => kv.Key == "password");
        Assert.DoesNotContain(exported, kv => kv.Value.Contains("s3cret-pw", StringComparison.Ordinal));
    }

    [Fact]
    public void NeitherTheServerNorTheDatabaseIsRoutable()
    {
        Assert.Equal(["key", "action", "expire_ms"], ((ISinkPlugin)new RedisStringSink()).Routing.Keys.Select(k => k.Name));
        Assert.Equal(["stream_key"], ((ISinkPlugin)new RedisStreamSink()).Routing.Keys.Select(k => k.Name));
        Assert.All(_strings.Fields.Concat(_streams.Fields).Where(f => f.Name is "host" or "port" or "database" or "password"), f => Assert.False(f.Routable));
    }

    [Fact]
    public void AStaticRedisStreamNeedsItsStreamKeyWithoutWhitespace()
    {
        var missing = _streams.Parse(Some.Config(("host", "h")), RoutingMode.Static, Some.Path);
        Assert.Equal(Some.Path + ".stream_key", Assert.Single(missing.Errors).Path);

        var spaced = _streams.Parse(Some.Config(("host", "h"), ("stream_key", "my stream")), RoutingMode.Static, Some.Path);
        Assert.Equal(Some.Path + ".stream_key", Assert.Single(spaced.Errors).Path);

        var dynamic = _streams.Parse(Some.Config(("host", "h")), RoutingMode.Dynamic, Some.Path);
        Assert.True(dynamic.IsValid, string.Join("; ", dynamic.Errors));
    }

    [Fact]
    public void MaxLenExactWithoutMaxLenIsReportedOnItsKey()
    {
        var result = _streams.Parse(Some.Config(("host", "h"), ("stream_key", "s"), ("max_len_exact", "true")), RoutingMode.Static, Some.Path);
        var error = Assert.Single(result.Errors);
        Assert.Equal(Some.Path + ".max_len_exact", error.Path);

        var ok = _streams.Parse(Some.Config(("host", "h"), ("stream_key", "s"), ("max_len", "1000"), ("max_len_exact", "true")), RoutingMode.Static, Some.Path);
        Assert.True(ok.IsValid, string.Join("; ", ok.Errors));
        Assert.Equal(1000L, Assert.IsType<RedisStreamSinkOptions>(ok.Options).MaxLen);
    }

    [Fact]
    public void RedisIsTheOriginalsAliasOfRedisStreamWithTheSameKeys()
    {
        ISinkPlugin alias = new RedisSink();
        ISinkPlugin stream = new RedisStreamSink();
        Assert.Equal(("redis", "redis_stream", "redis_string"), (alias.TypeName, stream.TypeName, ((ISinkPlugin)new RedisStringSink()).TypeName));
        Assert.Equal(stream.Schema.Fields.Select(f => f.Name), alias.Schema.Fields.Select(f => f.Name));
    }
}
