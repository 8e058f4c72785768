namespace Sequin.Sinks.Redis;

/// <summary>
/// The <c>destination:</c> keys of a <c>redis_stream</c> sink (also <c>type: redis</c>, the original's alias): the
/// connection keys (<see cref="RedisConnectionOptions"/>), the stream and its optional trimming.
/// </summary>
public sealed class RedisStreamSinkOptions : RedisConnectionOptions
{
    /// <summary>The pattern of a stream key: 1 to 255 characters, no whitespace.</summary>
    internal const string StreamKeyPattern = @"^\S{1,255}$";

    /// <summary>
    /// The stream every entry is added to (static routing; required there). With a routing function it is ignored: the
    /// function's <c>stream_key</c> decides, by default <c>sequin.&lt;schema&gt;.&lt;table&gt;</c>.
    /// </summary>
    [SinkOption("The stream entries are added to (XADD); with a routing function, its stream_key (default sequin.<schema>.<table>).",
        Routable = true, MaxLength = 255, Pattern = StreamKeyPattern, PatternDescription = "a stream key of 1 to 255 characters without whitespace")]
    public string? StreamKey { get; set; }

    /// <summary>
    /// Trims each stream to about this many entries as entries are added (<c>XADD … MAXLEN ~ n</c>); unset to keep every
    /// entry. Approximate unless <see cref="MaxLenExact"/>: Redis trims whole nodes, so a stream may hold a few more.
    /// </summary>
    [SinkOption("Trims each stream to about this many entries on every XADD (MAXLEN ~); unset to keep every entry.", Minimum = 1)]
    public long? MaxLen { get; set; }

    /// <summary>Whether <see cref="MaxLen"/> trims exactly (<c>MAXLEN n</c>, slower) instead of approximately. Default: false.</summary>
    [SinkOption("Whether max_len trims exactly (MAXLEN n, slower) rather than approximately (MAXLEN ~ n).")]
    public bool MaxLenExact { get; set; }
}
