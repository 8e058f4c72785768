namespace Sequin.Sinks.Redis;

/// <summary>
/// The <c>destination:</c> keys of a <c>redis_string</c> sink: the connection keys (<see cref="RedisConnectionOptions"/>)
/// and <c>expire_ms</c>. Each row becomes one Redis string: its key comes from the route (<c>key</c>, default
/// <c>sequin:&lt;table&gt;:&lt;pk1-pk2…&gt;</c>), so there is nothing else to configure.
/// </summary>
public sealed class RedisStringSinkOptions : RedisConnectionOptions
{
    /// <summary>
    /// The time to live of each key set (<c>SET … PX</c>), in milliseconds; unset for keys that never expire. A routing
    /// function's <c>expire_ms</c> takes precedence for its message.
    /// </summary>
    [SinkOption("The time to live of each key set, in milliseconds (SET ... PX); unset for no expiry. A routing function's expire_ms wins.", Minimum = 1)]
    public long? ExpireMs { get; set; }
}
