using System.Buffers;
using System.Text;
using System.Text.Json;
using Sequin.Messages;

namespace Sequin.Core.Tests.Messages;

public sealed class MessageJsonEscapingTests
{
    private static string WriteString(string value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ChangeMessageJsonWriter.WriterOptions))
        {
            writer.WriteStringValue(value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Theory]
    [InlineData("héllo \"wörld\"", "\"héllo \\\"wörld\\\"\"")]
    [InlineData("<b>&amp;</b> 'q' +", "\"<b>&amp;</b> 'q' +\"")]
    [InlineData("日本語 🎉 \u2028", "\"日本語 🎉 \u2028\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    [InlineData("line\nbreak\ttab\r\b\f", "\"line\\nbreak\\ttab\\r\\b\\f\"")]
    [InlineData("nul\u0000 unit\u001f", "\"nul\\u0000 unit\\u001F\"")]
    public void TextIsWrittenAsItselfWithOnlyTheEscapesJsonRequires(string value, string expected)
    {
        var json = WriteString(value);
        Assert.Equal(expected, json);
        Assert.Equal(value, JsonSerializer.Deserialize<string>(json));
    }

    [Fact]
    public void ALoneSurrogateStillGivesValidJson()
    {
        var json = WriteString("a\uD800b");
        Assert.Equal("a\uFFFDb", JsonSerializer.Deserialize<string>(json));
    }

    [Fact]
    public void Utf8TextIsCopiedAsItselfAndInvalidBytesAreReplaced()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ChangeMessageJsonWriter.WriterOptions))
        {
            writer.WriteStartArray();
            writer.WriteStringValue("héllo \"🎉\""u8);
            writer.WriteStringValue([0x61, 0xFF, 0x62]);
            writer.WriteEndArray();
        }

        var json = Encoding.UTF8.GetString(buffer.WrittenSpan);
        Assert.StartsWith("[\"héllo \\\"🎉\\\"\",", json, StringComparison.Ordinal);
        Assert.Equal(["héllo \"🎉\"", "a\uFFFDb"], JsonSerializer.Deserialize<string[]>(json)!);
    }

    [Fact]
    public void DeepJsonbIsWrittenAsPostgresSentIt()
    {
        foreach (var depth in new[] { 65, 300, 1500 })
        {
            var text = new string('[', depth) + new string(']', depth);
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, ChangeMessageJsonWriter.WriterOptions))
            {
                PgValueJson.WriteText(writer, PgTypeOids.Jsonb, 0, text, TimestampFormat.Iso8601);
            }

            Assert.Equal(text, Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
    }
}
