using Sequin.Messages;

namespace Sequin.Sinks.Redis;

/// <summary>
/// The <c>redis_stream</c> sink: each change is one stream entry (<c>XADD stream * field value …</c>) whose fields are
/// the message's top-level keys (<c>record</c>, <c>changes</c>, <c>action</c>, <c>metadata</c>, or a transform's),
/// strings as they are and other values as JSON, as in the original. Route key <c>stream_key</c> (static: the option;
/// dynamic default <c>sequin.&lt;schema&gt;.&lt;table&gt;</c>). A batch is one pipelined round trip
/// (<see cref="RedisStreamDelivery"/>), optionally trimming each stream (<c>MAXLEN</c>).
/// </summary>
public class RedisStreamSink : Sink<RedisStreamSinkOptions>
{
    /// <summary>The route key of the stream.</summary>
    public const string StreamKeyKey = "stream_key";

    private static readonly SinkLimits Limits = new()
    {
        MaxBatchMessages = 1000,
        // The original's default batch size for redis_stream.
        DefaultBatchMessages = 50,
        MaxBatchBytes = 8 * 1024 * 1024,
        MaxMessageBytes = 512L * 1024 * 1024,
    };

    /// <summary>The <c>destination.type</c>: <c>redis_stream</c>.</summary>
    public override string TypeName => "redis_stream";

    /// <inheritdoc />
    public override string Description => "Redis streams: one XADD entry per change (fields record, changes, action, metadata), pipelined, optional MAXLEN trimming.";

    /// <inheritdoc />
    public override string DefaultRoutingFunction => """
        // Routing function for a redis_stream sink: the stream each change is added to.
        //   stream_key (required): the stream's key, 1 to 255 characters without whitespace.
        function route(action, record, changes, metadata) {
          return { stream_key: `sequin.${metadata.table_schema}.${metadata.table_name}` };
        }
        """;

    /// <summary>
    /// Batches of 50 entries by default (the original's), up to 1,000 and 8 MiB in one round trip; streams mix in one
    /// batch (each XADD names its own). Core keeps one message per row in a batch, so a row's entries stay in order.
    /// </summary>
    public override SinkLimits GetLimits(RedisStreamSinkOptions options) => Limits;

    /// <summary>Stream <c>sequin.&lt;schema&gt;.&lt;table&gt;</c> (dynamic routing, when the function leaves it unset).</summary>
    public override void ApplyDefaultRoute(ChangeMessage message, Route route)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(route);
        route[StreamKeyKey] = "sequin." + message.Relation.Schema + "." + message.Relation.Table;
    }

    /// <inheritdoc />
    public override ISinkDelivery CreateDelivery(RedisStreamSinkOptions options, SinkContext context) => RedisStreamDelivery.Create(options, TypeName, context);

    /// <summary><c>max_len_exact</c> only means something with <c>max_len</c>.</summary>
    protected override void Validate(RedisStreamSinkOptions options, RoutingMode mode, Action<string, string> report)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        if (options.MaxLenExact && options.MaxLen is null)
        {
            report("max_len_exact", "Only applies with max_len: set max_len, or remove max_len_exact.");
        }
    }
}
