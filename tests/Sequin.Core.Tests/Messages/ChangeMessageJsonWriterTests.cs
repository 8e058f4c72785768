using System.Text;
using Sequin.Messages;

namespace Sequin.Core.Tests.Messages;

public sealed class ChangeMessageJsonWriterTests
{
    private static readonly RelationInfo Products = new(16384, "public", "products",
    [
        new RelationColumn("id", PgTypeOids.Int4, -1, true),
        new RelationColumn("sku", PgTypeOids.Text, -1, false),
        new RelationColumn("price", PgTypeOids.Numeric, -1, false),
        new RelationColumn("updated_at", PgTypeOids.Timestamptz, -1, false),
    ]);

    private static readonly SourceDatabaseInfo Shop = new("db-1", "shop", "shop_db", "db.internal", """{"team":"core"}""");
    private static readonly ConsumerInfo Consumer = new("c-1", "products-to-kafka");

    private static RowImage Row(params string?[] values) =>
        new(Products, values.Select(v => v is null ? ColumnValue.Null : ColumnValue.FromText(v)).ToArray());

    [Fact]
    public void UpdateIsWrittenInTheOriginalsShape()
    {
        var transaction = new TransactionInfo(23728496, new DateTimeOffset(2025, 3, 1, 10, 0, 0, 130, TimeSpan.Zero), 700);
        var message = new ChangeMessage(
            ChangeAction.Update,
            Row("42", "A-1", "8.0", "2025-03-01 10:00:00.123456+00"),
            Row("42", "A-1", "9.5", "2025-03-01 09:00:00+00"),
            transaction,
            3,
            Shop,
            """{"actor":"admin-ui"}""");

        var json = Encoding.UTF8.GetString(ChangeMessageJsonWriter.ToUtf8Bytes(message, Consumer, TimestampFormat.Iso8601));

        Assert.Equal(
            """{"record":{"id":42,"sku":"A-1","price":8.0,"updated_at":"2025-03-01T10:00:00.123456Z"},"changes":{"price":9.5,"updated_at":"2025-03-01T09:00:00.000000Z"},"action":"update","metadata":{"table_schema":"public","table_name":"products","commit_timestamp":"2025-03-01T10:00:00.130000Z","commit_lsn":23728496,"commit_idx":3,"idempotency_key":"MjM3Mjg0OTY6Mw==","record_pks":["42"],"database_name":"shop","transaction_annotations":{"actor":"admin-ui"},"enrichment":null,"consumer":{"id":"c-1","name":"products-to-kafka","annotations":{}},"database":{"id":"db-1","name":"shop","annotations":{"team":"core"},"database":"shop_db","hostname":"db.internal"}}}""",
            json);
    }

    [Fact]
    public void NonAsciiTextIsKeptAndControlCharactersAreEscaped()
    {
        var transaction = new TransactionInfo(1, DateTimeOffset.UnixEpoch, 1);
        var message = new ChangeMessage(ChangeAction.Insert, Row("1", "Grüße\t<b>", null, null), null, transaction, 0, Shop);
        var json = Encoding.UTF8.GetString(ChangeMessageJsonWriter.ToUtf8Bytes(message, Consumer, TimestampFormat.Iso8601));
        Assert.StartsWith("""{"record":{"id":1,"sku":"Grüße\t<b>","price":null,"updated_at":null},"changes":null,"action":"insert",""", json, StringComparison.Ordinal);
    }
}
