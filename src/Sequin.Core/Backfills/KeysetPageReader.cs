using System.Text;
using Npgsql;
using Sequin.Messages;

namespace Sequin.Backfills;

/// <summary>
/// Reads one page of a table in keyset order: <c>where (keys) &gt; (cursor) order by keys limit n</c>, every column in
/// the text result format, which is its type's output function as pgoutput sends it (a <c>::text</c> cast is not always
/// the same: <c>true</c> for <c>t</c>, <c>/32</c> on an inet, blanks trimmed from a char(n)), so that read rows and WAL
/// changes carry the same values and keys. The first page of a partial backfill starts at <c>sort_column &gt;= start</c>;
/// rows whose sort column is NULL are not read by a partial backfill.
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
        _select = "select " + string.Join(", ", relation.Columns.Select(c => "t." + BackfillTable.Quote(c.Name))) + " from " + from + " t";
        var keys = table.KeysetIndexes.Select(i => "t." + BackfillTable.Quote(relation.Columns[i].Name)).ToList();
        _orderBy = " order by " + string.Join(", ", keys);
        var parameters = table.KeysetTypes.Select((type, i) => $"@k{i}::text::{type}");
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
        if (cursor is not null)
        {
            builder.Append(_afterCursor);
        }
        else if (_request.Kind == BackfillKind.Partial)
        {
            var sort = _table.KeysetIndexes[0];
            builder.Append(" where t.").Append(BackfillTable.Quote(_table.Relation.Columns[sort].Name))
                .Append(" >= @start::text::").Append(_table.KeysetTypes[0]);
        }

        return builder.Append(_orderBy).Append(" limit @limit").ToString();
    }

    /// <summary>
    /// Reads up to <paramref name="limit"/> rows after <paramref name="cursor"/>, then writes the page's watermark
    /// (<see cref="BackfillWatermark"/>) in the same command: one round trip and one implicit transaction.
    /// </summary>
    public async Task<List<RowImage>> ReadAsync(NpgsqlConnection connection, IReadOnlyList<string>? cursor, int limit, Guid backfillId, Guid batchId, CancellationToken cancellationToken)
    {
        // Text results (AllResultTypesAreUnknown): each column's output function, as pgoutput sends it.
        var command = new NpgsqlCommand(Sql(cursor) + "; " + BackfillWatermark.Sql, connection) { AllResultTypesAreUnknown = true };
        await using (command.ConfigureAwait(false))
        {
            if (cursor is not null)
            {
                for (var i = 0; i < cursor.Count; i++)
                {
                    command.Parameters.Add(new NpgsqlParameter<string>("k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), cursor[i]));
                }
            }
            else if (_request.Kind == BackfillKind.Partial)
            {
                command.Parameters.Add(new NpgsqlParameter<string>("start", _request.StartPosition!));
            }

            command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
            BackfillWatermark.AddParameters(command.Parameters, backfillId, batchId);
            var rows = new List<RowImage>(Math.Min(limit, 65536));
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
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
