using Sequin.Messages;
using Sequin.Pipeline;

namespace Sequin.Backfills;

/// <summary>Which tables a sink takes, by its source filter (schemas and tables; <c>read</c> passes every action filter).</summary>
internal static class SinkTables
{
    /// <summary>Whether <paramref name="consumer"/> takes rows of <paramref name="relation"/>.</summary>
    public static bool Takes(SinkConsumer consumer, RelationInfo relation)
    {
        var probe = new RelationInfo(relation.Oid, relation.Schema, relation.Table, []);
        var message = new ChangeMessage(ChangeAction.Read, new RowImage(probe, []), null, new TransactionInfo(0, DateTimeOffset.UnixEpoch, 0), 0, new SourceDatabaseInfo("probe", "probe", "probe", "probe"));
        return consumer.Matches(message);
    }
}
