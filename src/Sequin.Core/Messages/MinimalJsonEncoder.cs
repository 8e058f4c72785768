using System.Buffers;
using System.Text.Encodings.Web;

namespace Sequin.Messages;

/// <summary>
/// A JSON encoder that escapes only what JSON requires: <c>"</c>, <c>\</c>, control characters and invalid text.
/// Everything else, non-ASCII letters, CJK, emoji and HTML-sensitive characters included, is written as itself in
/// UTF-8, so the output reads as the data does and <c>grep héllo</c> finds it. The JSON goes to sinks, never into an
/// HTML page or a script tag, so the HTML-safety escapes of the default encoders buy nothing.
/// </summary>
internal sealed class MinimalJsonEncoder : JavaScriptEncoder
{
    private static readonly SearchValues<byte> Utf8Specials = SearchValues.Create(CreateSpecials(includeSurrogates: false).Select(c => (byte)c).ToArray());
    private static readonly SearchValues<char> Utf16Specials = SearchValues.Create(CreateSpecials(includeSurrogates: true));

    private MinimalJsonEncoder()
    {
    }

    /// <summary>The one instance (the encoder holds no state).</summary>
    public static MinimalJsonEncoder Instance { get; } = new();

    /// <inheritdoc />
    public override int MaxOutputCharactersPerInputCharacter => 6; // \uXXXX

    /// <inheritdoc />
    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var span = new ReadOnlySpan<char>(text, textLength);
        var offset = 0;
        while (true)
        {
            var found = span[offset..].IndexOfAny(Utf16Specials);
            if (found < 0)
            {
                return -1;
            }

            var index = offset + found;
            if (char.IsHighSurrogate(span[index]) && index + 1 < span.Length && char.IsLowSurrogate(span[index + 1]))
            {
                offset = index + 2; // a valid pair: an astral character such as an emoji, written as itself
                continue;
            }

            return index;
        }
    }

    /// <inheritdoc />
    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        var special = utf8Text.IndexOfAny(Utf8Specials);
        var valid = special < 0 ? utf8Text : utf8Text[..special];
        if (System.Text.Unicode.Utf8.IsValid(valid))
        {
            return special;
        }

        // Invalid UTF-8 before the first special byte: let the base class find it (it is replaced, never copied).
        return base.FindFirstCharacterToEncodeUtf8(utf8Text);
    }

    /// <inheritdoc />
    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        if (!WillEncode(unicodeScalar))
        {
            return TryWriteScalar(unicodeScalar, destination, out numberOfCharactersWritten);
        }

        var shortForm = unicodeScalar switch
        {
            '"' => '"',
            '\\' => '\\',
            '\n' => 'n',
            '\r' => 'r',
            '\t' => 't',
            '\b' => 'b',
            '\f' => 'f',
            _ => '\0',
        };
        if (shortForm != '\0')
        {
            return TryWrite(destination, ['\\', shortForm], out numberOfCharactersWritten);
        }

        Span<char> escape = ['\\', 'u', '0', '0', '0', '0'];
        ((uint)unicodeScalar).TryFormat(escape[2..], out _, "X4", System.Globalization.CultureInfo.InvariantCulture);
        return TryWrite(destination, escape, out numberOfCharactersWritten);
    }

    /// <inheritdoc />
    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar < 0x20 || unicodeScalar == '"' || unicodeScalar == '\\' || (unicodeScalar >= 0xD800 && unicodeScalar <= 0xDFFF);

    private static bool TryWriteScalar(int unicodeScalar, Span<char> destination, out int written)
    {
        if (!System.Text.Rune.TryCreate(unicodeScalar, out var rune))
        {
            rune = System.Text.Rune.ReplacementChar;
        }

        return rune.TryEncodeToUtf16(destination, out written);
    }

    private static bool TryWrite(Span<char> destination, ReadOnlySpan<char> text, out int written)
    {
        if (text.TryCopyTo(destination))
        {
            written = text.Length;
            return true;
        }

        written = 0;
        return false;
    }

    private static char[] CreateSpecials(bool includeSurrogates)
    {
        var specials = new List<char> { '"', '\\' };
        for (var c = 0; c < 0x20; c++)
        {
            specials.Add((char)c);
        }

        if (includeSurrogates)
        {
            for (var c = 0xD800; c <= 0xDFFF; c++)
            {
                specials.Add((char)c);
            }
        }

        return [.. specials];
    }
}
