using System.Text.RegularExpressions;
using Sequin.Messages;

namespace Sequin.Sinks.Redis;

/// <summary>
/// The <c>redis_string</c> sink: each change sets or deletes one Redis string. Route keys <c>key</c> (default
/// <c>sequin:&lt;table&gt;:&lt;pk1-pk2…&gt;</c>), <c>action</c> (<c>set</c> for inserts, updates and reads, <c>del</c> for
/// deletes) and <c>expire_ms</c> (default the sink's <c>expire_ms</c>). A batch is one pipelined round trip of
/// <c>SET key payload [PX expire_ms]</c> and <c>DEL key</c> commands (<see cref="RedisStringDelivery"/>).
/// </summary>
public sealed class RedisStringSink : Sink<RedisStringSinkOptions>
{
    /// <summary>The route key of the Redis key.</summary>
    public const string KeyKey = "key";

    /// <summary>The route key of what to do with the key: <see cref="SetAction"/> or <see cref="DelAction"/>.</summary>
    public const string ActionKey = "action";

    /// <summary>The route key of the key's time to live in milliseconds (optional).</summary>
    public const string ExpireMsKey = "expire_ms";

    /// <summary>The <see cref="ActionKey"/> value that stores the payload (<c>SET</c>).</summary>
    public const string SetAction = "set";

    /// <summary>The <see cref="ActionKey"/> value that deletes the key (<c>DEL</c>).</summary>
    public const string DelAction = "del";

    /// <summary>The longest accepted key: 512 characters (the original's limit).</summary>
    public const int MaxKeyLength = 512;

    private static readonly RoutableKey[] Keys =
    [
        new(KeyKey, "The Redis key the row is stored under.") { Required = true, MaxLength = MaxKeyLength, AllowWhitespace = false },
        new(ActionKey, "What to do with the key: set (store the message) or del (delete the key).") { Required = true, AllowedValues = [SetAction, DelAction] },
        new(ExpireMsKey, "The key's time to live in milliseconds (SET ... PX); unset for the sink's expire_ms.")
        {
            Pattern = new Regex("^[1-9][0-9]{0,17}$", RegexOptions.CultureInvariant),
            PatternDescription = "a whole number of milliseconds greater than 0",
        },
    ];

    private static readonly SinkLimits Limits = new()
    {
        MaxBatchMessages = 1000,
        // The original's default batch size for redis_string.
        DefaultBatchMessages = 10,
        MaxBatchBytes = 8 * 1024 * 1024,
        // Redis's default proto-max-bulk-len: a larger value is refused by the server.
        MaxMessageBytes = 512L * 1024 * 1024,
    };

    /// <inheritdoc />
    public override string Description => "Redis strings: SET (with an optional expiry) or DEL one key per row, one pipelined round trip per batch.";

    /// <inheritdoc />
    public override IReadOnlyList<RoutableKey> RouteKeys => Keys;

    /// <inheritdoc />
    public override string DefaultRoutingFunction => """
        // Routing function for a redis_string sink: which key a row is stored under, and whether to set or delete it.
        //   key (required): the Redis key; action (required): "set" or "del"; expire_ms: a time to live in ms.
        function route(action, record, changes, metadata) {
          return {
            key: `sequin:${metadata.table_name}:${metadata.record_pks.join("-")}`,
            action: action === "delete" ? "del" : "set",
          };
        }
        """;

    /// <summary>
    /// Batches of 10 commands by default (the original's), up to 1,000 and 8 MiB in one round trip; any keys mix in one
    /// batch (each command names its own key). Core keeps one message per row in a batch, so a row's commands stay in order.
    /// </summary>
    public override SinkLimits GetLimits(RedisStringSinkOptions options) => Limits;

    /// <summary>Key <c>sequin:&lt;table&gt;:&lt;pk1-pk2…&gt;</c>; deletes delete it, inserts, updates and reads set it.</summary>
    public override void ApplyDefaultRoute(ChangeMessage message, Route route)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(route);
        route[KeyKey] = "sequin:" + message.Relation.Table + ":" + string.Join('-', message.GetRecordPks());
        route[ActionKey] = message.Action == ChangeAction.Delete ? DelAction : SetAction;
    }

    /// <inheritdoc />
    public override ISinkDelivery CreateDelivery(RedisStringSinkOptions options, SinkContext context) => RedisStringDelivery.Create(options, context);
}
