namespace Sequin.Sinks.Redis;

/// <summary>
/// <c>type: redis</c>, the original's alias of <c>redis_stream</c>: the same keys, routing and delivery as
/// <see cref="RedisStreamSink"/>, so a <c>sequin.yaml</c> written for the original runs unchanged.
/// </summary>
public sealed class RedisSink : RedisStreamSink
{
    /// <summary>The <c>destination.type</c>: <c>redis</c>.</summary>
    public override string TypeName => "redis";

    /// <inheritdoc />
    public override string Description => "Alias of redis_stream (the original's type name): Redis streams, one XADD entry per change.";
}
