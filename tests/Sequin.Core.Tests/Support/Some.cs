using Sequin.Messages;

namespace Sequin.Core.Tests.Support;

/// <summary>Builds test messages.</summary>
public static class Some
{
    public static readonly SourceDatabaseInfo Source = new("db", "db", "db", "localhost");

    public static readonly RelationInfo Table = new(16384, "public", "t",
    [
        new RelationColumn("id", PgTypeOids.Int4, -1, true),
        new RelationColumn("name", PgTypeOids.Text, -1, false),
        new RelationColumn("tenant", PgTypeOids.Text, -1, false),
    ]);

    public static readonly RelationInfo OtherTable = new(16390, "public", "other",
    [
        new RelationColumn("id", PgTypeOids.Int4, -1, true),
        new RelationColumn("name", PgTypeOids.Text, -1, false),
        new RelationColumn("tenant", PgTypeOids.Text, -1, false),
    ]);

    private static ulong s_lsn = 0x1000;

    public static TransactionInfo Transaction(ulong? lsn = null) =>
        new(lsn ?? Interlocked.Add(ref s_lsn, 0x100), new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), 700);

    public static ChangeMessage Change(
        int id,
        TransactionInfo? txn = null,
        int idx = 0,
        ChangeAction action = ChangeAction.Update,
        RelationInfo? table = null,
        string? name = "n",
        string? tenant = null)
    {
        var rel = table ?? Table;
        var row = new RowImage(rel,
        [
            ColumnValue.FromText(id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            name is null ? ColumnValue.Null : ColumnValue.FromText(name),
            tenant is null ? ColumnValue.Null : ColumnValue.FromText(tenant),
        ]);
        return new ChangeMessage(action, row, null, txn ?? Transaction(), idx, Source);
    }

    /// <summary>A committed transaction of <paramref name="count"/> changes built by <paramref name="change"/>; returns the changes.</summary>
    public static (TransactionInfo Txn, List<ChangeMessage> Changes) CommittedTransaction(int count, Func<TransactionInfo, int, ChangeMessage> change)
    {
        var txn = Transaction();
        var list = Enumerable.Range(0, count).Select(i => change(txn, i)).ToList();
        return (txn, list);
    }
}
