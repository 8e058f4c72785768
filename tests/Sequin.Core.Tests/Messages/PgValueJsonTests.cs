using System.Buffers;
using System.Text;
using System.Text.Json;
using Sequin.Messages;

namespace Sequin.Core.Tests.Messages;

public sealed class PgValueJsonTests
{
    private static string Write(uint typeOid, string text, TimestampFormat format = TimestampFormat.Iso8601, uint elementTypeOid = 0)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ChangeMessageJsonWriter.WriterOptions))
        {
            PgValueJson.WriteText(writer, typeOid, elementTypeOid, text, format);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Theory]
    [InlineData(PgTypeOids.Int2, "-32768", "-32768")]
    [InlineData(PgTypeOids.Int8, "9223372036854775807", "9223372036854775807")]
    [InlineData(PgTypeOids.Numeric, "12345678901234567890.123456789", "12345678901234567890.123456789")]
    [InlineData(PgTypeOids.Numeric, "-0.000000000000000000001", "-0.000000000000000000001")]
    [InlineData(PgTypeOids.Numeric, "NaN", "\"NaN\"")]
    [InlineData(PgTypeOids.Numeric, "Infinity", "\"Infinity\"")]
    [InlineData(PgTypeOids.Numeric, "-Infinity", "\"-Infinity\"")]
    [InlineData(PgTypeOids.Float8, "1e-05", "1e-05")]
    [InlineData(PgTypeOids.Float8, "-1.5e+300", "-1.5e+300")]
    [InlineData(PgTypeOids.Float4, "NaN", "\"NaN\"")]
    [InlineData(PgTypeOids.Bool, "t", "true")]
    [InlineData(PgTypeOids.Bool, "f", "false")]
    [InlineData(PgTypeOids.Text, "a \"b\"", "\"a \\\"b\\\"\"")]
    [InlineData(PgTypeOids.Uuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"")]
    [InlineData(PgTypeOids.Jsonb, "{\"a\": [1, {\"b\": null}]}", "{\"a\": [1, {\"b\": null}]}")]
    [InlineData(PgTypeOids.Json, "[]", "[]")]
    [InlineData(PgTypeOids.Bytea, "\\x00ff10", "\"AP8Q\"")]
    [InlineData(PgTypeOids.Bytea, "\\x", "\"\"")]
    [InlineData(PgTypeOids.Date, "2025-03-01", "\"2025-03-01\"")]
    [InlineData(PgTypeOids.Interval, "1 day 02:03:04", "\"1 day 02:03:04\"")]
    public void ScalarsAreCastByType(uint typeOid, string text, string expected) => Assert.Equal(expected, Write(typeOid, text));

    [Theory]
    [InlineData("2025-03-01 10:00:00.123456+00", "\"2025-03-01T10:00:00.123456Z\"")]
    [InlineData("2025-03-01 10:00:00+00", "\"2025-03-01T10:00:00.000000Z\"")]
    [InlineData("2025-03-01 10:00:00.5+05:30", "\"2025-03-01T04:30:00.500000Z\"")]
    [InlineData("2025-03-01 01:00:00-08", "\"2025-03-01T09:00:00.000000Z\"")]
    [InlineData("infinity", "\"infinity\"")]
    [InlineData("-infinity", "\"-infinity\"")]
    [InlineData("0044-03-15 12:00:00+00 BC", "\"0044-03-15 12:00:00+00 BC\"")]
    public void TimestamptzIsIsoUtc(string text, string expected) => Assert.Equal(expected, Write(PgTypeOids.Timestamptz, text));

    [Fact]
    public void TimestamptzWithSecondsInTheOffsetKeepsItsInstant()
    {
        // Historic zones (LMT) print offsets with seconds: 1900-01-01 00:00:00+00:19:32 is 1899-12-31 23:40:28 UTC.
        var json = Write(PgTypeOids.Timestamptz, "1900-01-01 00:00:00+00:19:32");
        Assert.Equal("\"1899-12-31T23:40:28.000000Z\"", json);
    }

    [Theory]
    [InlineData(PgTypeOids.Timestamp, "2025-03-01 10:00:00.25", "\"2025-03-01T10:00:00.250000\"")]
    [InlineData(PgTypeOids.Timestamp, "infinity", "\"infinity\"")]
    public void TimestampWithoutZoneHasNoZoneSuffix(uint typeOid, string text, string expected) => Assert.Equal(expected, Write(typeOid, text));

    [Theory]
    [InlineData(PgTypeOids.Timestamptz, "2025-03-01 10:00:00.123456+00", "1740823200123456")]
    [InlineData(PgTypeOids.Timestamptz, "1969-12-31 23:59:59.999999+00", "-1")]
    [InlineData(PgTypeOids.Timestamp, "1970-01-01 00:00:01", "1000000")]
    [InlineData(PgTypeOids.Timestamptz, "infinity", "\"infinity\"")]
    public void UnixMicrosecondsAreIntegers(uint typeOid, string text, string expected) =>
        Assert.Equal(expected, Write(typeOid, text, TimestampFormat.UnixMicrosecond));

    [Theory]
    [InlineData(1007u, "{}", "[]")]
    [InlineData(1007u, "{1,NULL,3}", "[1,null,3]")]
    [InlineData(1007u, "{{1,2},{3,4}}", "[[1,2],[3,4]]")]
    [InlineData(1007u, "[0:1]={5,6}", "[5,6]")]
    [InlineData(1009u, "{a,\"b c\",\"NULL\",NULL,\"q\\\"uote\",\"back\\\\slash\",\"x,y\",\"{}\"}",
        "[\"a\",\"b c\",\"NULL\",null,\"q\\\"uote\",\"back\\\\slash\",\"x,y\",\"{}\"]")]
    [InlineData(1022u, "{NaN,1.5,-Infinity}", "[\"NaN\",1.5,\"-Infinity\"]")]
    [InlineData(1000u, "{t,f}", "[true,false]")]
    [InlineData(1231u, "{1.10,NaN}", "[1.10,\"NaN\"]")]
    [InlineData(1001u, "{\"\\\\x0102\",NULL}", "[\"AQI=\",null]")]
    [InlineData(3807u, "{\"{\\\"k\\\": 1}\",\"[]\"}", "[{\"k\": 1},[]]")]
    [InlineData(1185u, "{\"2025-03-01 10:00:00+00\",NULL}", "[\"2025-03-01T10:00:00.000000Z\",null]")]
    [InlineData(2951u, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "[\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"]")]
    public void ArraysBecomeJsonArrays(uint typeOid, string text, string expected) => Assert.Equal(expected, Write(typeOid, text));

    [Fact]
    public void ArrayOfAResolvedElementTypeUsesIt()
    {
        const uint enumArray = 16390, enumType = 16389;
        Assert.Equal("[\"happy\",\"so \\\"so\\\"\"]", Write(enumArray, "{happy,\"so \\\"so\\\"\"}", elementTypeOid: enumType));
        Assert.Equal("\"{happy}\"", Write(enumArray, "{happy}"));
    }

    [Fact]
    public void UnchangedToastAndNullHaveFixedJson()
    {
        var column = new RelationColumn("c", PgTypeOids.Text, -1, false);
        string WriteValue(ColumnValue value)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, ChangeMessageJsonWriter.WriterOptions))
            {
                PgValueJson.Write(writer, column, value, TimestampFormat.Iso8601);
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        Assert.Equal("\"unchanged_toast\"", WriteValue(ColumnValue.UnchangedToast));
        Assert.Equal("null", WriteValue(ColumnValue.Null));
        Assert.Equal("\"\"", WriteValue(ColumnValue.FromText(string.Empty)));
    }

    public static TheoryData<uint, string> EveryKindOfText() => new()
    {
        { PgTypeOids.Bool, "t" }, { PgTypeOids.Bool, "f" }, { PgTypeOids.Int2, "-32768" }, { PgTypeOids.Int4, "42" },
        { PgTypeOids.Int8, "9223372036854775807" }, { PgTypeOids.Oid, "16384" },
        { PgTypeOids.Numeric, "-0.000000000000000000001" }, { PgTypeOids.Numeric, "NaN" }, { PgTypeOids.Numeric, "-Infinity" },
        { PgTypeOids.Float8, "-1.5e+300" }, { PgTypeOids.Float4, "NaN" },
        { PgTypeOids.Jsonb, "{\"a\": [1, {\"b\": \"é\\n\"}]}" }, { PgTypeOids.Json, "[]" },
        { PgTypeOids.Bytea, "\\x00ff10" }, { PgTypeOids.Bytea, "abc\\000" },
        { PgTypeOids.Timestamptz, "2025-03-01 10:00:00.123456+00" }, { PgTypeOids.Timestamptz, "2025-03-01 10:00:00.5+05:30" },
        { PgTypeOids.Timestamptz, "infinity" }, { PgTypeOids.Timestamp, "2025-03-01 10:00:00.25" },
        { PgTypeOids.Timestamp, "0044-03-15 12:00:00 BC" },
        { PgTypeOids.Text, "a \"b\" \\ \u0001 <é> 😀" }, { PgTypeOids.Text, string.Empty }, { PgTypeOids.Varchar, "x" },
        { PgTypeOids.Uuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11" }, { PgTypeOids.Date, "2025-03-01" },
        { PgTypeOids.Interval, "1 day 02:03:04" }, { 1007u, "{1,2,NULL}" }, { 1009u, "{a,\"b c\"}" },
    };

    [Theory]
    [MemberData(nameof(EveryKindOfText))]
    public void AValueHeldAsUtf8IsWrittenAsTheSameValueHeldAsAString(uint typeOid, string text)
    {
        var column = new RelationColumn("c", typeOid, -1, false);
        var utf8 = Encoding.UTF8.GetBytes("padding" + text + "padding");
        foreach (var format in new[] { TimestampFormat.Iso8601, TimestampFormat.UnixMicrosecond })
        {
            var fromText = WriteValue(column, ColumnValue.FromText(text), format);

            var fromUtf8 = WriteValue(column, ColumnValue.FromUtf8(utf8, 7, utf8.Length - 14), format);

            Assert.Equal(fromText, fromUtf8);
        }
    }

    [Fact]
    public void TextThatIsNotValidUtf8IsWrittenAsItsDecodedString()
    {
        var column = new RelationColumn("c", PgTypeOids.Text, -1, false);
        byte[] invalid = [(byte)'a', 0xC3, (byte)'b'];

        Assert.Equal("\"a\uFFFDb\"", WriteValue(column, ColumnValue.FromUtf8(invalid, 0, invalid.Length), TimestampFormat.Iso8601));
    }

    public static TheoryData<uint, string> LargeValues() => new()
    {
        // Escapes and 2-, 3- and 4-byte characters fall on every offset against the writer's 64 KiB segments.
        { PgTypeOids.Text, string.Concat(Enumerable.Range(0, 40_000).Select(i => i % 7 == 0 ? "\"\n\\" : i % 3 == 0 ? "é€😀" : "abc")) },
        { PgTypeOids.Varchar, new string('x', 300_000) },
        { PgTypeOids.Bytea, "\\x" + string.Concat(Enumerable.Range(0, 100_001).Select(i => (i * 7 % 256).ToString("x2", System.Globalization.CultureInfo.InvariantCulture))) },
        { PgTypeOids.Bytea, "\\x" + new string('0', 200_000) + "zz" },
        { PgTypeOids.Jsonb, "[" + string.Join(',', Enumerable.Range(0, 50_000).Select(i => "\"é" + i + "\"")) + "]" },
    };

    [Theory]
    [MemberData(nameof(LargeValues))]
    public void ALargeValueHeldAsUtf8IsWrittenInSegmentsAsTheSameJsonAsItsString(uint typeOid, string text)
    {
        var column = new RelationColumn("c", typeOid, -1, false);
        var utf8 = Encoding.UTF8.GetBytes(text);
        Assert.True(utf8.Length > 128 * 1024);

        var fromUtf8 = WriteValue(column, ColumnValue.FromUtf8(utf8, 0, utf8.Length), TimestampFormat.Iso8601);

        Assert.Equal(WriteValue(column, ColumnValue.FromText(text), TimestampFormat.Iso8601), fromUtf8);
        using var document = JsonDocument.Parse(fromUtf8, ChangeMessageJsonWriter.DocumentOptions);
        if (typeOid is PgTypeOids.Text or PgTypeOids.Varchar)
        {
            Assert.Equal(text, document.RootElement.GetString());
        }
    }

    [Fact]
    public void ATextValueOverTheWritersSingleValueLimitIsWritten()
    {
        // Utf8JsonWriter refuses a string value over 166,666,666 bytes in one piece; in segments it is written.
        var utf8 = new byte[170_000_000];
        utf8.AsSpan().Fill((byte)'a');
        var buffer = new ArrayBufferWriter<byte>(utf8.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer, ChangeMessageJsonWriter.WriterOptions))
        {
            PgValueJson.Write(writer, new RelationColumn("c", PgTypeOids.Text, -1, false), ColumnValue.FromUtf8(utf8, 0, utf8.Length), TimestampFormat.Iso8601);
        }

        Assert.Equal(utf8.Length + 2, buffer.WrittenCount);
        Assert.Equal((byte)'"', buffer.WrittenSpan[^1]);
    }

    private static string WriteValue(RelationColumn column, ColumnValue value, TimestampFormat format)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ChangeMessageJsonWriter.WriterOptions))
        {
            PgValueJson.Write(writer, column, value, format);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void MetadataTimestampsHaveSixFractionalDigitsAndZ() =>
        Assert.Equal("2025-03-01T10:00:00.130000Z", PgValueJson.FormatUtc(new DateTimeOffset(2025, 3, 1, 12, 0, 0, 130, TimeSpan.FromHours(2))));
}
