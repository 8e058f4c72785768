using System.Buffers;
using System.Text;
using Npgsql.Replication.PgOutput;
using Sequin.Messages;

namespace Sequin.Replication;

/// <summary>
/// Reads the values of a decoded row (and the payloads of logical messages) as text through one pooled buffer that
/// grows as large values need it, so that a change costs no buffer allocation. One per replication connection; the
/// buffer goes back to the pool on <see cref="Dispose"/>.
/// </summary>
internal sealed class ValueReader : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);

    /// <summary>
    /// Reads one row image of <paramref name="relation"/>. A NULL becomes <paramref name="nullAs"/> (an old key image
    /// passes "unchanged", since only its key columns were sent); a TOASTed value that was not sent becomes
    /// <see cref="ColumnValue.UnchangedToast"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The row has more values than the relation has columns.</exception>
    public async ValueTask<RowImage> ReadRowAsync(RelationInfo relation, ReplicationTuple tuple, ColumnValue nullAs, CancellationToken cancellationToken)
    {
        var values = new ColumnValue[relation.Columns.Count];
        var i = 0;
        await foreach (var value in tuple.ConfigureAwait(false))
        {
            if (i >= values.Length)
            {
                throw new InvalidOperationException($"Row of {relation.QualifiedName} has more values than its {values.Length} columns.");
            }

            values[i++] = value.Kind switch
            {
                TupleDataKind.Null => nullAs,
                TupleDataKind.UnchangedToastedValue => ColumnValue.UnchangedToast,
                _ => ColumnValue.FromText(await ReadValueTextAsync(value, cancellationToken).ConfigureAwait(false)),
            };
        }

        return new RowImage(relation, values);
    }

    /// <summary>Reads <paramref name="stream"/> to its end as UTF-8 text.</summary>
    public async ValueTask<string> ReadToEndAsync(Stream stream, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length)
            {
                Grow(length * 2);
            }

            var n = await stream.ReadAsync(_buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            length += n;
        }

        return Encoding.UTF8.GetString(_buffer, 0, length);
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private async ValueTask<string> ReadValueTextAsync(ReplicationValue value, CancellationToken cancellationToken)
    {
        var length = value.Length;
        if (length == 0)
        {
            _ = value.GetStream();
            return string.Empty;
        }

        var stream = value.GetStream();
        await using (stream.ConfigureAwait(false))
        {
            if (_buffer.Length < length)
            {
                Grow(length);
            }

            await stream.ReadExactlyAsync(_buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            return Encoding.UTF8.GetString(_buffer, 0, length);
        }
    }

    private void Grow(int minimum)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(minimum, _buffer.Length * 2));
        _buffer.AsSpan().CopyTo(bigger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = bigger;
    }
}
