using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace Sequin.Messages;

/// <summary>
/// Casts a column value from PostgreSQL's text output format to JSON by type: integers and numeric as exact JSON
/// numbers, booleans, json/jsonb as nested JSON, bytea as base64, timestamps as ISO 8601 (or Unix microseconds),
/// arrays as JSON arrays, everything else (text, uuid, enums, intervals, ...) as strings.
/// </summary>
internal static class PgValueJson
{

    /// <summary>Writes one column value.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="column">The column, for its type.</param>
    /// <param name="value">The value.</param>
    /// <param name="format">How timestamps are written.</param>
    public static void Write(Utf8JsonWriter writer, RelationColumn column, ColumnValue value, TimestampFormat format)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(column);
        switch (value.Kind)
        {
            case ColumnValueKind.Null:
                writer.WriteNullValue();
                return;
            case ColumnValueKind.UnchangedToast:
                writer.WriteStringValue(ColumnValue.UnchangedToastPlaceholder);
                return;
            default:
                if (!value.TryGetUtf8(out var utf8) || !TryWriteUtf8(writer, column.TypeOid, column.ElementTypeOid, utf8, format))
                {
                    WriteText(writer, column.TypeOid, column.ElementTypeOid, value.Text!, format);
                }

                return;
        }
    }

    /// <summary>
    /// Writes a value given as UTF-8 bytes without making a string of it, for the types whose JSON is the text itself or a
    /// rewrite of it: booleans, numbers, json, timestamps already in UTC, and strings. False (nothing written) for the
    /// rest (bytea, arrays, other offsets, NaN, text that is not valid UTF-8), which <see cref="WriteText"/> writes.
    /// </summary>
    private static bool TryWriteUtf8(Utf8JsonWriter writer, uint typeOid, uint elementTypeOid, ReadOnlySpan<byte> utf8, TimestampFormat format)
    {
        switch (typeOid)
        {
            case PgTypeOids.Bool:
                writer.WriteBooleanValue(utf8.SequenceEqual("t"u8) || utf8.SequenceEqual("true"u8));
                return true;
            case PgTypeOids.Int2:
            case PgTypeOids.Int4:
            case PgTypeOids.Int8:
            case PgTypeOids.Oid:
            case PgTypeOids.Json:
            case PgTypeOids.Jsonb:
                writer.WriteRawValue(utf8, skipInputValidation: true); // as WriteText: PostgreSQL's output is valid JSON
                return true;
            case PgTypeOids.Numeric:
            case PgTypeOids.Float4:
            case PgTypeOids.Float8:
                if (utf8.Length > 0 && (char.IsAsciiDigit((char)utf8[0]) || (utf8[0] == '-' && utf8.Length > 1 && char.IsAsciiDigit((char)utf8[1])))
                    && !utf8.ContainsAnyExcept(NumberBytes))
                {
                    writer.WriteRawValue(utf8, skipInputValidation: true);
                    return true;
                }

                return false;
            case PgTypeOids.Timestamptz:
            case PgTypeOids.Timestamp:
                Span<byte> buffer = stackalloc byte[IsoTimestamp.MaxLength];
                if (format == TimestampFormat.Iso8601 && IsoTimestamp.TryRewriteUtc(utf8, buffer, typeOid == PgTypeOids.Timestamptz, out var length))
                {
                    writer.WriteStringValue(buffer[..length]);
                    return true;
                }

                return false;
            case PgTypeOids.Bytea:
                return utf8.Length > SegmentBytes && TryWriteLargeBytea(writer, utf8);
        }

        var element = elementTypeOid != 0 ? elementTypeOid : PgTypeOids.ElementTypeOf(typeOid);
        if ((element != 0 && utf8.Length > 0 && utf8[0] is (byte)'{' or (byte)'[') || !Utf8.IsValid(utf8))
        {
            return false;
        }

        if (utf8.Length > SegmentBytes)
        {
            WriteLargeString(writer, utf8);
            return true;
        }

        writer.WriteStringValue(utf8);
        return true;
    }

    // A large value is written in pieces of this many bytes (a multiple of 6, see TryWriteLargeBytea).
    private const int SegmentBytes = 64 * 1024 - 4;

    /// <summary>
    /// Writes a long string in segments: in one piece, the writer would rent an escaping buffer of six times its
    /// length (and refuses values over 166 MB); in segments it escapes one segment at a time.
    /// </summary>
    private static void WriteLargeString(Utf8JsonWriter writer, ReadOnlySpan<byte> utf8)
    {
        while (utf8.Length > SegmentBytes)
        {
            writer.WriteStringValueSegment(utf8[..SegmentBytes], isFinalSegment: false);
            utf8 = utf8[SegmentBytes..];
        }

        writer.WriteStringValueSegment(utf8, isFinalSegment: true);
    }

    /// <summary>
    /// Writes a large bytea in hex format (<c>\x…</c>) as base64 without a string of it: decoded and encoded one
    /// segment at a time. False (nothing written) when it is not valid hex, which <see cref="WriteText"/> then writes.
    /// </summary>
    private static bool TryWriteLargeBytea(Utf8JsonWriter writer, ReadOnlySpan<byte> utf8)
    {
        if (!utf8.StartsWith("\\x"u8) || utf8.Length % 2 != 0 || utf8[2..].ContainsAnyExcept(HexBytes))
        {
            return false;
        }

        var hex = utf8[2..];
        var decoded = ArrayPool<byte>.Shared.Rent(SegmentBytes / 2);
        try
        {
            while (true)
            {
                // Whole bytes in multiples of 3, so that each segment is whole base64 groups.
                var take = Math.Min(hex.Length, SegmentBytes);
                Convert.FromHexString(hex[..take], decoded, out _, out var written);
                hex = hex[take..];
                writer.WriteBase64StringSegment(decoded.AsSpan(0, written), isFinalSegment: hex.IsEmpty);
                if (hex.IsEmpty)
                {
                    return true;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    private static readonly SearchValues<byte> HexBytes = SearchValues.Create("0123456789abcdefABCDEF"u8);

    /// <summary>Writes one non-null value given in PostgreSQL's text format.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="typeOid">The value's type OID.</param>
    /// <param name="elementTypeOid">For arrays of non-built-in element types, the element type OID; otherwise 0.</param>
    /// <param name="text">The text.</param>
    /// <param name="format">How timestamps are written.</param>
    public static void WriteText(Utf8JsonWriter writer, uint typeOid, uint elementTypeOid, string text, TimestampFormat format)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(text);
        switch (typeOid)
        {
            case PgTypeOids.Bool:
                writer.WriteBooleanValue(text is "t" or "true");
                return;
            case PgTypeOids.Int2:
            case PgTypeOids.Int4:
            case PgTypeOids.Int8:
            case PgTypeOids.Oid:
                writer.WriteRawValue(text, skipInputValidation: true);
                return;
            case PgTypeOids.Numeric:
            case PgTypeOids.Float4:
            case PgTypeOids.Float8:
                WriteNumber(writer, text);
                return;
            case PgTypeOids.Json:
            case PgTypeOids.Jsonb:
                // PostgreSQL validated the text on input; re-validating would refuse legal values nested deeper than
                // the reader's default 64 levels.
                writer.WriteRawValue(text, skipInputValidation: true);
                return;
            case PgTypeOids.Bytea:
                WriteBytea(writer, text);
                return;
            case PgTypeOids.Timestamptz:
                WriteTimestamp(writer, text, withZone: true, format);
                return;
            case PgTypeOids.Timestamp:
                WriteTimestamp(writer, text, withZone: false, format);
                return;
        }

        var element = elementTypeOid != 0 ? elementTypeOid : PgTypeOids.ElementTypeOf(typeOid);
        if (element != 0 && text.Length > 0 && text[0] is '{' or '[')
        {
            PgArrayText.Write(writer, text, element, format);
            return;
        }

        writer.WriteStringValue(text);
    }

    // The characters of PostgreSQL's numeric, real and double precision output for finite values.
    private static readonly System.Buffers.SearchValues<char> NumberCharacters = System.Buffers.SearchValues.Create("0123456789.eE+-");
    private static readonly System.Buffers.SearchValues<byte> NumberBytes = System.Buffers.SearchValues.Create("0123456789.eE+-"u8);

    /// <summary>Formats a timestamp as metadata does: ISO 8601, UTC, six fractional digits, <c>Z</c>.</summary>
    public static string FormatUtc(DateTimeOffset value) => IsoTimestamp.ToString(value.UtcDateTime, zone: true);

    private static void WriteNumber(Utf8JsonWriter writer, string text)
    {
        // NaN and ±Infinity are not JSON numbers: keep them as strings rather than lose them.
        if (text.Length > 0 && (char.IsAsciiDigit(text[0]) || (text[0] == '-' && text.Length > 1 && char.IsAsciiDigit(text[1]))))
        {
            // PostgreSQL's output of a finite number is a JSON number; the full check (a JSON reader) runs only for text
            // holding anything else, which it then refuses.
            writer.WriteRawValue(text, skipInputValidation: !text.AsSpan().ContainsAnyExcept(NumberCharacters));
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }

    private static void WriteBytea(Utf8JsonWriter writer, string text)
    {
        if (!text.StartsWith("\\x", StringComparison.Ordinal))
        {
            writer.WriteStringValue(text); // escape format (bytea_output=escape): pass through as text
            return;
        }

        var hex = text.AsSpan(2);
        var rented = ArrayPool<byte>.Shared.Rent(hex.Length / 2);
        try
        {
            var status = Convert.FromHexString(hex, rented, out _, out var written);
            if (status != OperationStatus.Done)
            {
                writer.WriteStringValue(text);
                return;
            }

            writer.WriteBase64StringValue(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void WriteTimestamp(Utf8JsonWriter writer, string text, bool withZone, TimestampFormat format)
    {
        Span<byte> buffer = stackalloc byte[IsoTimestamp.MaxLength];
        if (format == TimestampFormat.Iso8601 && IsoTimestamp.TryRewriteUtc(text.AsSpan(), buffer, withZone, out var rewritten))
        {
            writer.WriteStringValue(buffer[..rewritten]);
            return;
        }

        if (!PgTimestampText.TryParse(text, withZone, out var value))
        {
            writer.WriteStringValue(text); // infinity, -infinity, BC dates: keep PostgreSQL's text
            return;
        }

        if (format == TimestampFormat.UnixMicrosecond)
        {
            writer.WriteNumberValue((value.UtcTicks - DateTime.UnixEpoch.Ticks) / 10);
            return;
        }

        var length = IsoTimestamp.Write(value.UtcDateTime, buffer, withZone);
        writer.WriteStringValue(buffer[..length]);
    }
}
