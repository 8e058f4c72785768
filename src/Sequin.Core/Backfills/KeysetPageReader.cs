using System.Text;
using Npgsql;
using Sequin.Messages;

namespace Sequin.Backfills;

/// <summary>
/// Reads one page of a table in keyset order: <c>where (keys) &gt; (cursor) order by keys limit n</c>, every column as
/// its text form (<c>::text</c>, the type's output function, as pgoutput sends it), so that read rows and WAL changes
/// carry the same values and keys. The first page of a partial backfill starts at <c>sort_column &gt;= start</c>; rows
/// whose sort column is NULL are not read by a partial backfill.
/// </summary>
internal sealed class KeysetPageReader
{
    private readonly BackfillTable _table;
    private readonly BackfillRequest _request;
    private readonly string _select;
    private readonly string _orderBy;
    private readonly string _afterCursor;
    private readonly bool[] _asString;

    /// <summary>Creates the reader of <paramref name="table"/>.</summary>
    public KeysetPageReader(BackfillTable table, BackfillRequest request)
    {
        _table = table;
        _request = request;
        var relation = table.Relation;
        var from = BackfillTable.Quote(relation.Schema) + "." + BackfillTable.Quote(relation.Table);
        // Columns are qualified with the alias: an output column named like a key would otherwise be what ORDER BY sorts (as text).
        _select = "select " + string.Join(", ", relation.Columns.Select(c => "t." + BackfillTable.Quote(c.Name) + "::text")) + " from " + from + " t";
        var keys = table.KeysetIndexes.Select(i => "t." + BackfillTable.Quote(relation.Columns[i].Name)).ToList();
        _orderBy = " order by " + string.Join(", ", keys);
        var parameters = table.KeysetTypes.Select((type, i) => $"${i + 1}::text::{type}");
        _afterCursor = " where (" + string.Join(", ", keys) + ") > (" + string.Join(", ", parameters) + ")";

        // Key columns are read as strings: the cursor, the page's supersede index, group ids, idempotency keys and
        // record_pks all use their text. The rest stay UTF-8 until the message JSON copies them.
        _asString = new bool[relation.Columns.Count];
        foreach (var i in table.KeysetIndexes.Concat(table.PrimaryKeyIndexes).Concat(relation.KeyColumnIndexes))
        {
            _asString[i] = true;
        }
    }

    /// <summary>The SQL of a page after <paramref name="cursor"/> (null: the first page); for tests and logs.</summary>
    public string Sql(IReadOnlyList<string>? cursor)
    {
        var builder = new StringBuilder(_select);
        var limit = 1;
        if (cursor is not null)
        {
            builder.Append(_afterCursor);
            limit = cursor.Count + 1;
        }
        else if (_request.Kind == BackfillKind.Partial)
        {
            var sort = _table.KeysetIndexes[0];
            builder.Append(" where t.").Append(BackfillTable.Quote(_table.Relation.Columns[sort].Name))
                .Append(" >= $1::text::").Append(_table.KeysetTypes[0]);
            limit = 2;
        }

        return builder.Append(_orderBy).Append(" limit $").Append(limit).ToString();
    }

    /// <summary>
    /// Reads up to <paramref name="limit"/> rows after <paramref name="cursor"/>, then runs <paramref name="then"/> (the
    /// page's watermark) in the same batch: one round trip and one implicit transaction.
    /// </summary>
    public async Task<List<RowImage>> ReadAsync(NpgsqlConnection connection, IReadOnlyList<string>? cursor, int limit, NpgsqlBatchCommand then, CancellationToken cancellationToken)
    {
        var page = new NpgsqlBatchCommand(Sql(cursor));
        if (cursor is not null)
        {
            for (var i = 0; i < cursor.Count; i++)
            {
                page.Parameters.Add(new NpgsqlParameter<string> { TypedValue = cursor[i] });
            }
        }
        else if (_request.Kind == BackfillKind.Partial)
        {
            page.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _request.StartPosition! });
        }

        page.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var batch = new NpgsqlBatch(connection) { BatchCommands = { page, then } };
        await using (batch.ConfigureAwait(false))
        {
            var rows = new List<RowImage>(Math.Min(limit, 65536));
            var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var count = _table.Relation.Columns.Count;
                var texts = new PageTextBuffer();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var values = new ColumnValue[count];
                    for (var i = 0; i < count; i++)
                    {
                        values[i] = reader.IsDBNull(i) ? ColumnValue.Null
                            : _asString[i] ? ColumnValue.FromText(reader.GetString(i))
                            : texts.Read(reader, i);
                    }

                    rows.Add(new RowImage(_table.Relation, values));
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false); // the watermark: its error, if any, surfaces here
            }

            return rows;
        }
    }

    /// <summary>The cursor after <paramref name="row"/>: the text of its keyset columns.</summary>
    public string[] CursorOf(RowImage row) => [.. _table.KeysetIndexes.Select(i => row[i].Text ?? string.Empty)];
}
