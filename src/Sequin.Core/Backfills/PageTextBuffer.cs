using Npgsql;
using Sequin.Messages;

namespace Sequin.Backfills;

/// <summary>
/// Holds the UTF-8 text of one backfill page's column values in a few shared arrays, so that a value the message JSON
/// only copies costs no <see cref="string"/> of its own (UTF-16, transcoded back to UTF-8 when written). Values longer
/// than a quarter of a chunk get an array each. Chunks stay under the large object heap's threshold.
/// </summary>
internal sealed class PageTextBuffer
{
    private const int ChunkSize = 32 * 1024;
    private byte[] _chunk = [];
    private int _used;

    /// <summary>Reads column <paramref name="ordinal"/> of the current row (not NULL) as UTF-8 text.</summary>
    public ColumnValue Read(NpgsqlDataReader reader, int ordinal)
    {
        var length = checked((int)reader.GetBytes(ordinal, 0, null, 0, 0));
        if (length > ChunkSize / 4)
        {
            var own = new byte[length];
            reader.GetBytes(ordinal, 0, own, 0, length);
            return ColumnValue.FromUtf8(own, 0, length);
        }

        if (_chunk.Length - _used < length)
        {
            _chunk = new byte[ChunkSize];
            _used = 0;
        }

        reader.GetBytes(ordinal, 0, _chunk, _used, length);
        var value = ColumnValue.FromUtf8(_chunk, _used, length);
        _used += length;
        return value;
    }
}
