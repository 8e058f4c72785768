using System.Runtime.CompilerServices;
using System.Text;

namespace Sequin.Messages;

/// <summary>One column of a row image: its kind and, for <see cref="ColumnValueKind.Text"/>, PostgreSQL's text form.</summary>
/// <remarks>
/// A text value is held either as a <see cref="string"/> or as UTF-8 bytes (<see cref="FromUtf8"/>: a backfill page
/// reads its non-key columns so, and the message JSON is written from the bytes without a string per column). Both are
/// the same value: <see cref="Text"/> decodes the bytes on each call, and equality compares the text.
/// </remarks>
public readonly struct ColumnValue : IEquatable<ColumnValue>
{
    /// <summary>The placeholder reported for an unchanged TOAST value: <c>unchanged_toast</c>.</summary>
    public const string UnchangedToastPlaceholder = "unchanged_toast";

    // A string (_length -1), UTF-8 bytes from _start (_length ≥ 0), or null. _length tells them apart, not a type test
    // (read for every column of every message).
    private readonly object? _value;
    private readonly int _start;
    private readonly int _length;
    private readonly ColumnValueKind _kind;

    /// <summary>Creates a value (parameter names as the positional record this type was).</summary>
    /// <param name="Kind">Null, text, or an unchanged TOAST value.</param>
    /// <param name="Text">The value in PostgreSQL's text output format when <paramref name="Kind"/> is Text; otherwise null.</param>
    public ColumnValue(ColumnValueKind Kind, string? Text)
    {
        _kind = Kind;
        _value = Text;
        _length = -1;
    }

    private ColumnValue(byte[] utf8, int start, int length)
    {
        _kind = ColumnValueKind.Text;
        _value = utf8;
        _start = start;
        _length = length;
    }

    /// <summary>SQL NULL.</summary>
    public static ColumnValue Null => default;

    /// <summary>An unchanged TOAST value.</summary>
    public static ColumnValue UnchangedToast => new(ColumnValueKind.UnchangedToast, null);

    /// <summary>Null, text, or an unchanged TOAST value.</summary>
    public ColumnValueKind Kind => _kind;

    /// <summary>The value in PostgreSQL's text output format when <see cref="Kind"/> is Text; otherwise null.</summary>
    /// <remarks>A value created from UTF-8 bytes is decoded on each call.</remarks>
    public string? Text => _length < 0 || _value is null ? Unsafe.As<string?>(_value) : Encoding.UTF8.GetString(Unsafe.As<byte[]>(_value), _start, _length);

    /// <summary>An approximate in-memory size in bytes of the text, for buffer accounting.</summary>
    internal int TextSize => _value is null ? 0 : _length < 0 ? 24 + (Unsafe.As<string>(_value).Length * 2) : _length;

    /// <summary>A text value.</summary>
    public static ColumnValue FromText(string text) => new(ColumnValueKind.Text, text);

    /// <summary>
    /// A text value given as UTF-8 bytes: <paramref name="length"/> bytes of <paramref name="utf8"/> from
    /// <paramref name="start"/>, which the value references (the array must not change afterwards).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the array.</exception>
    public static ColumnValue FromUtf8(byte[] utf8, int start, int length)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, utf8.Length - length);
        return new ColumnValue(utf8, start, length);
    }

    /// <summary>The value's UTF-8 bytes when it was created from them (<see cref="FromUtf8"/>); false otherwise.</summary>
    public bool TryGetUtf8(out ReadOnlySpan<byte> utf8)
    {
        if (_length >= 0 && _value is not null)
        {
            utf8 = Unsafe.As<byte[]>(_value).AsSpan(_start, _length);
            return true;
        }

        utf8 = default;
        return false;
    }

    /// <summary>Compares kinds and texts.</summary>
    public static bool operator ==(ColumnValue left, ColumnValue right) => left.Equals(right);

    /// <summary>Compares kinds and texts.</summary>
    public static bool operator !=(ColumnValue left, ColumnValue right) => !left.Equals(right);

    /// <summary>Deconstructs into <see cref="Kind"/> and <see cref="Text"/>.</summary>
    public void Deconstruct(out ColumnValueKind Kind, out string? Text)
    {
        Kind = _kind;
        Text = this.Text;
    }

    /// <inheritdoc />
    public bool Equals(ColumnValue other)
    {
        if (_kind != other._kind)
        {
            return false;
        }

        if (TryGetUtf8(out var mine) && other.TryGetUtf8(out var theirs))
        {
            return mine.SequenceEqual(theirs);
        }

        return string.Equals(Text, other.Text, StringComparison.Ordinal);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ColumnValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_kind, Text);

    /// <inheritdoc />
    public override string ToString() => $"ColumnValue {{ Kind = {_kind}, Text = {Text} }}";
}
