using System.Buffers;
using System.Text;
using Npgsql.Replication.PgOutput;
using Sequin.Messages;
using Sequin.Runtime;

namespace Sequin.Replication;

/// <summary>
/// Reads the values of a decoded row (and the payloads of logical messages) as text through one pooled buffer, so that
/// a change costs no buffer allocation. A value over <see cref="LargeValueBytes"/> is read instead straight into an
/// array of its own size and kept as UTF-8 (<see cref="ColumnValue.FromUtf8"/>): one copy of its bytes, shared by every
/// sink, no UTF-16 string of it, and no buffer kept at its size afterwards; before reading it, the reader waits until
/// the consumers have room for the change (<see cref="IChangeHandler.WaitForRoomAsync"/>). One per replication
/// connection; the buffer goes back to the pool on <see cref="Dispose"/>.
/// </summary>
internal sealed class ValueReader : IDisposable
{
    /// <summary>
    /// Values longer than this (64 KiB) are held as UTF-8 bytes in an array of their own and read only once the
    /// consumers have room for them; shorter ones become strings through the shared buffer.
    /// </summary>
    public const int LargeValueBytes = 64 * 1024;

    /// <summary>Values this large (1 MiB) count towards <see cref="CollectAfterBytes"/>.</summary>
    public const int CountedValueBytes = 1024 * 1024;

    /// <summary>
    /// After this many bytes (64 MiB) of values over <see cref="CountedValueBytes"/>, the next one is read after a full, aggressive garbage collection:
    /// the rows read before it are delivered by then (it waited for room), and the GC would otherwise let their arrays
    /// pile up (a budget that grows with them) before it takes them back.
    /// </summary>
    public const long CollectAfterBytes = 64L * 1024 * 1024;

    // The shared buffer is not kept larger than this: a larger logical message is read into a buffer of its own.
    private const int MaxKeptBuffer = 1024 * 1024;

    private readonly IChangeHandler? _room;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private RelationInfo? _changeRelation;
    private ChangeAction _changeAction;
    private long _changeBytes;
    private long _largeBytesSinceCollect;

    /// <summary>Creates a reader; <paramref name="room"/>, when given, is asked for room before a large value is read.</summary>
    public ValueReader(IChangeHandler? room = null) => _room = room;

    /// <summary>
    /// Starts a change of <paramref name="action"/>: the large values of its row images, together, are what the reader
    /// asks the consumers' room for.
    /// </summary>
    public void BeginChange(ChangeAction action)
    {
        _changeAction = action;
        _changeBytes = 0;
    }

    /// <summary>
    /// Reads one row image of <paramref name="relation"/>. A NULL becomes <paramref name="nullAs"/> (an old key image
    /// passes "unchanged", since only its key columns were sent); a TOASTed value that was not sent becomes
    /// <see cref="ColumnValue.UnchangedToast"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The row has more values than the relation has columns.</exception>
    public async ValueTask<RowImage> ReadRowAsync(RelationInfo relation, ReplicationTuple tuple, ColumnValue nullAs, CancellationToken cancellationToken)
    {
        var values = new ColumnValue[relation.Columns.Count];
        _changeRelation = relation;
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
                _ => value.Length > LargeValueBytes
                    ? await ReadLargeValueAsync(value, cancellationToken).ConfigureAwait(false)
                    : ColumnValue.FromText(await ReadValueTextAsync(value, cancellationToken).ConfigureAwait(false)),
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

        var text = Encoding.UTF8.GetString(_buffer, 0, length);
        if (_buffer.Length > MaxKeptBuffer)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(4096); // the large one was not pooled (Grow): the GC takes it back
        }

        return text;
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        if (_buffer.Length is > 0 and <= MaxKeptBuffer)
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

    private async ValueTask<ColumnValue> ReadLargeValueAsync(ReplicationValue value, CancellationToken cancellationToken)
    {
        var length = value.Length;
        _changeBytes += length;
        if (_room is not null)
        {
            await _room.WaitForRoomAsync(_changeRelation!, _changeAction, (int)Math.Min(_changeBytes, int.MaxValue), cancellationToken).ConfigureAwait(false);
        }

        if (_largeBytesSinceCollect >= CollectAfterBytes)
        {
            _largeBytesSinceCollect = 0;
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        if (length >= CountedValueBytes)
        {
            // Only values of a MiB or more count: those of 64 KiB to 1 MiB can come thousands a second, and the GC
            // takes them back on its own without a full collection per 64 MiB of them.
            _largeBytesSinceCollect += length;
        }

        // Not pooled: a pool would keep the array (and the memory) after the message is gone.
        var bytes = GC.AllocateUninitializedArray<byte>(length);
        var stream = value.GetStream();
        await using (stream.ConfigureAwait(false))
        {
            await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        }

        return ColumnValue.FromUtf8(bytes, 0, length);
    }

    private void Grow(int minimum)
    {
        var size = Math.Max(minimum, _buffer.Length * 2);

        // Past MaxKeptBuffer the array is not rented: the shared pool would keep it after the reader lets it go.
        var bigger = size > MaxKeptBuffer ? GC.AllocateUninitializedArray<byte>(size) : ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan().CopyTo(bigger);
        if (_buffer.Length is > 0 and <= MaxKeptBuffer)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = bigger;
    }
}
