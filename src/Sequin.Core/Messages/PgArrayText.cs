using System.Text;
using System.Text.Json;

namespace Sequin.Messages;

/// <summary>Turns PostgreSQL's array text (<c>{1,2}</c>, <c>{{"a b",NULL},{c,d}}</c>) into JSON arrays.</summary>
internal static class PgArrayText
{
    /// <summary>Writes <paramref name="text"/> as a (possibly nested) JSON array; elements are cast by <paramref name="elementTypeOid"/>.</summary>
    public static void Write(Utf8JsonWriter writer, string text, uint elementTypeOid, TimestampFormat format)
    {
        var pos = 0;
        if (text[0] == '[')
        {
            // Explicit bounds, e.g. "[0:1]={1,2}": skip to the braces.
            pos = text.IndexOf('=', StringComparison.Ordinal) + 1;
            if (pos <= 0)
            {
                writer.WriteStringValue(text);
                return;
            }
        }

        var element = new StringBuilder();
        WriteLevel(writer, text, ref pos, elementTypeOid, format, element);
    }

    private static void WriteLevel(Utf8JsonWriter writer, string text, ref int pos, uint elementTypeOid, TimestampFormat format, StringBuilder element)
    {
        Expect(text, ref pos, '{');
        writer.WriteStartArray();
        if (pos < text.Length && text[pos] == '}')
        {
            pos++;
            writer.WriteEndArray();
            return;
        }

        while (pos < text.Length)
        {
            if (text[pos] == '{')
            {
                WriteLevel(writer, text, ref pos, elementTypeOid, format, element);
            }
            else if (text[pos] == '"')
            {
                pos++;
                element.Clear();
                while (pos < text.Length && text[pos] != '"')
                {
                    if (text[pos] == '\\' && pos + 1 < text.Length)
                    {
                        pos++;
                    }

                    element.Append(text[pos++]);
                }

                Expect(text, ref pos, '"');
                PgValueJson.WriteText(writer, elementTypeOid, 0, element.ToString(), format);
            }
            else
            {
                var start = pos;
                while (pos < text.Length && text[pos] != ',' && text[pos] != '}')
                {
                    pos++;
                }

                var raw = text[start..pos];
                if (raw == "NULL")
                {
                    writer.WriteNullValue();
                }
                else
                {
                    PgValueJson.WriteText(writer, elementTypeOid, 0, raw, format);
                }
            }

            if (pos >= text.Length)
            {
                break;
            }

            if (text[pos] == ',')
            {
                pos++;
                continue;
            }

            Expect(text, ref pos, '}');
            writer.WriteEndArray();
            return;
        }

        throw new FormatException($"Unterminated array literal: {text}");
    }

    private static void Expect(string text, ref int pos, char c)
    {
        if (pos >= text.Length || text[pos] != c)
        {
            throw new FormatException($"Expected '{c}' at position {pos} of array literal: {text}");
        }

        pos++;
    }
}
