using Microsoft.Extensions.Configuration;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Kafka;
using Sequin.Sinks.Testing;

namespace Sequin.Sinks.Kafka.Tests.Support;

/// <summary>The Kafka sink's test data (relations, changes, routed messages), on the SDK's test kit (<see cref="SinkTestKit{TOptions}"/>).</summary>
internal static class Some
{
    public static readonly SinkTestKit<KafkaSinkOptions> Kit = new(new KafkaSink());

    public static ConsumerInfo Consumer => Kit.Consumer;

    public static readonly SourceDatabaseInfo Database = new("db", "db", "app", "localhost");

    public static RelationInfo Relation(string schema = "public", string table = "users") =>
        new(16384, schema, table,
        [
            new RelationColumn("id", PgTypeOids.Int4, -1, IsKey: true),
            new RelationColumn("name", PgTypeOids.Text, -1, IsKey: false),
        ]);

    public static ChangeMessage Change(int id, ChangeAction action = ChangeAction.Insert, RelationInfo? relation = null, string? name = null, ulong lsn = 0x1000)
    {
        relation ??= Relation();
        var record = new RowImage(relation, [ColumnValue.FromText(id.ToString(System.Globalization.CultureInfo.InvariantCulture)), name is null ? ColumnValue.Null : ColumnValue.FromText(name)]);
        return new ChangeMessage(action, record, null, new TransactionInfo(lsn, DateTimeOffset.UnixEpoch, 1), id, Database);
    }

    public static Route Route(string? topic, string? messageKey = null)
    {
        var route = new Route(((ISinkPlugin)new KafkaSink()).Routing.Keys);
        route[KafkaSink.TopicKey] = topic;
        route[KafkaSink.MessageKeyKey] = messageKey;
        return route;
    }

    public static RoutedMessage Routed(ChangeMessage change, string topic, string? messageKey = null, string? groupId = "", byte[]? payload = null)
    {
        payload ??= ChangeMessageJsonWriter.ToUtf8Bytes(change, Consumer, TimestampFormat.Iso8601);
        var group = groupId == string.Empty ? string.Join(":", change.GetRecordPks()) : groupId;
        return new RoutedMessage(change, Route(topic, messageKey), group, payload, isTransformed: false);
    }

    public static SinkContext Context() => Kit.Context();

    public static IConfiguration Section(params (string Key, string? Value)[] values) => SinkTestKit.Config(values);

    public static string UniqueTopic(string prefix = "test") => $"{prefix}-{Guid.NewGuid():N}";
}
