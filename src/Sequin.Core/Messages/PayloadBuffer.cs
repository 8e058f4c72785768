using System.Buffers;

namespace Sequin.Messages;

/// <summary>
/// The buffer a large message's JSON is written into, sized from the start for the whole payload. Unlike
/// <see cref="ArrayBufferWriter{T}"/>, which doubles, it grows by an eighth (or what is asked for, if more) when an
/// estimate fell short (text that needed escapes), so that a 100 MB payload never holds a 200 MB array.
/// </summary>
internal sealed class PayloadBuffer(int capacity) : IBufferWriter<byte>
{
    private byte[] _array = GC.AllocateUninitializedArray<byte>(Math.Max(capacity, 256));
    private int _written;

    /// <summary>The bytes written.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);

    /// <summary>The size of the array held.</summary>
    public int Capacity => _array.Length;

    /// <inheritdoc />
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _array.Length - _written);
        _written += count;
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_array.Length - _written >= needed)
        {
            return;
        }

        var size = (long)_written + Math.Max(needed, _array.Length / 8);
        var bigger = GC.AllocateUninitializedArray<byte>((int)Math.Min(size, Array.MaxLength));
        _array.AsSpan(0, _written).CopyTo(bigger);
        _array = bigger;
    }
}
