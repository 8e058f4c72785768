using Sequin.Core.Tests.Support;
using Sequin.Messages;
using Sequin.Parking;

namespace Sequin.Core.Tests.Parking;

public sealed class ParkedMessageCodecTests
{
    [Fact]
    public void AMessageReadBackIsTheSameChangeWithItsRelationTypesImagesTransactionAndSource()
    {
        var relation = new RelationInfo(16500, "app", "orders",
        [
            new RelationColumn("id", PgTypeOids.Int4, -1, true),
            new RelationColumn("note", PgTypeOids.Text, -1, false),
            new RelationColumn("big", PgTypeOids.Text, -1, false),
            new RelationColumn("tags", 1009, -1, false) { ElementTypeOid = PgTypeOids.Text },
        ]);
        var txn = new TransactionInfo(0x1_0000_2000, new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero), 4242);
        txn.Commit(0x1_0000_2100);
        var record = new RowImage(relation, [ColumnValue.FromText("7"), ColumnValue.FromText("h\u00e9llo \"w\u00f6rld\""), ColumnValue.UnchangedToast, ColumnValue.Null]);
        var old = new RowImage(relation, [ColumnValue.FromText("6"), ColumnValue.Null, ColumnValue.FromText("x"), ColumnValue.FromText("{a,b}")]);
        var source = new SourceDatabaseInfo("db-id", "db", "appdb", "pg.local", """{"team":"x"}""");
        var message = new ChangeMessage(ChangeAction.Update, record, old, txn, 3, source, """{"user":"u1"}""");

        var back = ParkedMessageCodec.Decode(ParkedMessageCodec.Encode(message));

        Assert.Equal(ChangeAction.Update, back.Action);
        Assert.Equal(16500u, back.Relation.Oid);
        Assert.Equal("app.orders", back.Relation.QualifiedName);
        Assert.Equal(relation.Columns, back.Relation.Columns);
        Assert.Equal([0], back.Relation.KeyColumnIndexes);
        Assert.Equal(record.Values.ToArray(), back.Record.Values.ToArray());
        Assert.Equal(old.Values.ToArray(), back.OldRecord!.Values.ToArray());
        Assert.Equal(txn.CommitLsn, back.CommitLsn);
        Assert.Equal(txn.EndLsn, back.Transaction.EndLsn);
        Assert.Equal(txn.CommitTimestamp, back.CommitTimestamp);
        Assert.Equal(4242u, back.Transaction.Xid);
        Assert.True(back.Transaction.IsComplete);
        Assert.Equal(3, back.CommitIdx);
        Assert.Equal(source, back.Source);
        Assert.Equal("""{"user":"u1"}""", back.TransactionAnnotationsJson);
        Assert.Equal(message.IdempotencyKey, back.IdempotencyKey);
        var consumer = new ConsumerInfo("s", "s");
        Assert.Equal(
            ChangeMessageJsonWriter.ToUtf8Bytes(message, consumer, TimestampFormat.Iso8601),
            ChangeMessageJsonWriter.ToUtf8Bytes(back, consumer, TimestampFormat.Iso8601));
    }

    [Fact]
    public void ABackfillReadKeepsItsOwnIdempotencyKey()
    {
        var read = new ChangeMessage(ChangeAction.Read, Some.Change(7).Record, Some.Transaction(0x9000), 3, Some.Source, "YmFja2ZpbGw6Nw==");

        var back = ParkedMessageCodec.Decode(ParkedMessageCodec.Encode(read));

        Assert.Equal((ChangeAction.Read, "YmFja2ZpbGw6Nw==", 0x9000UL, 3), (back.Action, back.IdempotencyKey, back.CommitLsn, back.CommitIdx));
        Assert.NotEqual(IdempotencyKey.For(0x9000, 3), back.IdempotencyKey);
    }

    [Fact]
    public void BytesThatAreNotAParkedMessageFailWithAFormatException()
    {
        Assert.Throws<FormatException>(() => ParkedMessageCodec.Decode("{\"v\":9}"u8));
        Assert.Throws<FormatException>(() => ParkedMessageCodec.Decode("not json"u8));
        _ = Some.Change(1);
    }
}
