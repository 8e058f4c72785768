using System.Globalization;
using Sequin.Sinks.Testing;

namespace Sequin.Sinks.Redis.Tests;

/// <summary>The SDK's promises (<see cref="SinkConformanceTests{TOptions}"/>) for the Redis String sink against a real redis-server.</summary>
public sealed class RedisStringConformanceTests(RedisServerFixture redis)
    : SinkConformanceTests<RedisStringSinkOptions>(new RedisStringSink()), IClassFixture<RedisServerFixture>
{
    protected override IReadOnlyList<(string Key, string? Value)> ReachableDestination =>
        [("host", "127.0.0.1"), ("port", redis.Server.Port.ToString(CultureInfo.InvariantCulture)), ("password", RedisServerFixture.Password), ("timeout_ms", "5000")];

    // Port 9 (discard) is closed on loopback here.
    protected override IReadOnlyList<(string Key, string? Value)> UnreachableDestination =>
        [("host", "127.0.0.1"), ("port", "9"), ("password", RedisServerFixture.Password), ("timeout_ms", "2000")];

    protected override RoutedMessage? PermanentlyRefusedMessage(RedisStringSinkOptions options) => null;

    protected override string NoPermanentErrorReason =>
        "SET and DEL take a key of any type and a value up to 512 MB (larger ones are refused by the size limit before they are sent): what the server refuses (auth, OOM, a read-only replica) can pass, and is retried";
}

/// <summary>The SDK's promises for the Redis Stream sink against a real redis-server; a key holding a string refuses XADD for good (WRONGTYPE).</summary>
public sealed class RedisStreamConformanceTests(RedisServerFixture redis)
    : SinkConformanceTests<RedisStreamSinkOptions>(new RedisStreamSink()), IClassFixture<RedisServerFixture>
{
    protected override IReadOnlyList<(string Key, string? Value)> ReachableDestination =>
    [
        ("host", "127.0.0.1"), ("port", redis.Server.Port.ToString(CultureInfo.InvariantCulture)), ("password", RedisServerFixture.Password),
        ("stream_key", "conformance-stream"), ("timeout_ms", "5000"),
    ];

    // Port 9 (discard) is closed on loopback here.
    protected override IReadOnlyList<(string Key, string? Value)> UnreachableDestination =>
        [("host", "127.0.0.1"), ("port", "9"), ("password", RedisServerFixture.Password), ("stream_key", "conformance-stream"), ("timeout_ms", "2000")];

    protected override RoutedMessage? PermanentlyRefusedMessage(RedisStreamSinkOptions options)
    {
        redis.Database.StringSet("conformance-holds-a-string", "x");
        return Kit.Routed(TestTable.Order(13), options, values: (RedisStreamSink.StreamKeyKey, "conformance-holds-a-string"));
    }
}
