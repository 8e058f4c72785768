using Microsoft.Extensions.Configuration;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Sns;
using Sequin.Sinks.Testing;

namespace Sequin.Sinks.Sns.Tests.Support;

/// <summary>The SNS sink's test data, on the SDK's test kit (<see cref="SinkTestKit{TOptions}"/>).</summary>
internal static class Some
{
    public const string Region = "us-east-1";
    public const string Account = "123456789012";
    public const string TopicArn = "arn:aws:sns:us-east-1:123456789012:orders";
    public const string FifoTopicArn = "arn:aws:sns:us-east-1:123456789012:orders.fifo";
    public const string LongTopicName = "long-table-names";
    public const string LongTopicArn = "arn:aws:sns:us-east-1:123456789012:" + LongTopicName;

    private static readonly RelationInfo Orders = new(
        16384,
        "public",
        "orders",
        [new RelationColumn("id", PgTypeOids.Int4, -1, true), new RelationColumn("name", PgTypeOids.Text, -1, false)]);

    private static readonly SourceDatabaseInfo Source = new("shop", "shop", "shop", "localhost");
    public static readonly SinkTestKit<SnsSinkOptions> Kit = new(new SnsSink());

    private static ConsumerInfo Consumer => Kit.Consumer;

    public static IConfiguration Config(params (string Key, string? Value)[] values) => SinkTestKit.Config(values);

    public static ChangeMessage Change(int id, ChangeAction action = ChangeAction.Insert, ulong commitLsn = 0x1000, int commitIdx = 0, string name = "widget", RelationInfo? relation = null)
    {
        var record = new RowImage(relation ?? Orders, [ColumnValue.FromText(id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ColumnValue.FromText(name)]);
        return new ChangeMessage(action, record, null, new TransactionInfo(commitLsn, DateTimeOffset.UnixEpoch.AddDays(20000), 42), commitIdx, Source);
    }

    /// <summary>A table whose schema and table names are as long as PostgreSQL allows (63 bytes each).</summary>
    public static RelationInfo LongNamedTable { get; } = new(
        16385,
        new string('s', 63),
        new string('t', 63),
        [new RelationColumn("id", PgTypeOids.Int4, -1, true), new RelationColumn("name", PgTypeOids.Text, -1, false)]);

    public static RoutedMessage Routed(string topicArn, int id, string? groupId = "", int payloadPadding = 0, ulong commitLsn = 0x1000, int commitIdx = 0, RelationInfo? relation = null)
    {
        var change = Change(id, commitLsn: commitLsn, commitIdx: commitIdx, relation: relation);
        var route = new Route(new SnsSink().RouteKeys) { [SnsSink.TopicArnKey] = topicArn };
        var payload = ChangeMessageJsonWriter.ToUtf8Bytes(change, Consumer, TimestampFormat.Iso8601);
        if (payloadPadding > 0)
        {
            payload = System.Text.Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', payloadPadding) + "\"}");
        }

        return new RoutedMessage(change, route, groupId == "" ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : groupId, payload, payloadPadding > 0);
    }

    public static SinkContext Context(RoutingMode mode = RoutingMode.Static) => Kit.Context(mode);

    public static SnsSinkOptions Options(Uri endpoint, string? topicArn = TopicArn, string accessKey = Sequin.TestServers.Aws.SnsFakeServer.AccessKeyId, string secret = Sequin.TestServers.Aws.SnsFakeServer.SecretAccessKey) => new()
    {
        TopicArn = topicArn,
        Region = topicArn is null ? Region : null,
        AccessKeyId = accessKey,
        SecretAccessKey = secret,
        EndpointUrl = endpoint,
    };

    /// <summary>The sink's client and pipeline as Core creates them (with Core's size check and batching limits).</summary>
    public static (ISinkClient Client, ISinkPipeline Pipeline) ClientAndPipeline(SnsSinkOptions options, SinkContext context)
    {
        ISinkPlugin plugin = new SnsSink();
        var client = plugin.CreateClient(options, context);
        return (client, plugin.CreatePipeline(options, client, context));
    }
}
