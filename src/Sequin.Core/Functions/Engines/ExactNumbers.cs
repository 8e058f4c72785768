using System.Globalization;
using System.Text;
using Jint.Native;

namespace Sequin.Functions.Engines;

/// <summary>
/// Keeps the exact text of the message's numbers that a JavaScript number cannot hold as written, for one call, so that
/// a value the function passes through untouched leaves it as it came in. A numeric such as
/// <c>12345678901234567890.0123456789</c> (or <c>1.50</c>, or float8 <c>-0</c>) reaches the function as the nearest
/// JavaScript number, in a <see cref="JsNumber"/> of its own; a number beyond the double range (numeric <c>1e600</c>)
/// reaches it as a string of its digits, in a <see cref="JsString"/> of its own. Either object is the value's identity:
/// reading, assigning, spreading or returning it keeps the object, while any computation makes a new value. The
/// transform writer and the routing reader ask <see cref="TryGetText"/> and write the original text for a value still
/// held in its own object. Numbers whose text is the writer's own (integers, most decimals) are not kept.
/// </summary>
internal sealed class ExactNumbers
{
    // Integers of at most this many digits are exact in a double and written back as the same digits.
    private const int ExactIntegerDigits = 15;

    private readonly Dictionary<JsValue, string> _texts = new(ReferenceEqualityComparer.Instance);

    /// <summary>How many values the current call keeps.</summary>
    public int Count => _texts.Count;

    /// <summary>Forgets the values of the call that ended.</summary>
    public void Clear()
    {
        if (_texts.Count > 0)
        {
            _texts.Clear();
        }
    }

    /// <summary>
    /// The JavaScript value of a JSON number token: a number, kept with its text when the text is not how
    /// <see cref="Format"/> writes that number; or, beyond the double range, the text as a (kept) string. Without
    /// <paramref name="exact"/> nothing is kept (values cached across calls).
    /// </summary>
    public static JsValue Read(ReadOnlySpan<byte> text, ExactNumbers? exact)
    {
        if (IsShortInteger(text))
        {
            return JsNumber.Create(long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }

        var number = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(number))
        {
            // Beyond what a JavaScript number holds: the digits as a string rather than Infinity (written as null).
            var digits = new JsString(Encoding.UTF8.GetString(text));
            exact?._texts.Add(digits, digits.ToString());
            return digits;
        }

        if (exact is null || IsShortDecimal(text) || IsText(text, Format(number)))
        {
            return JsNumber.Create(number);
        }

        var value = new JsNumber(number); // its own object (JsNumber.Create shares small integers)
        exact._texts.Add(value, Encoding.UTF8.GetString(text));
        return value;
    }

    /// <summary>The original text of <paramref name="value"/> if it is a kept value of this call.</summary>
    public bool TryGetText(JsValue value, out string text) => _texts.TryGetValue(value, out text!);

    /// <summary>
    /// How a finite JavaScript number is written as JSON: as <c>JSON.stringify</c> writes it (the shortest text that
    /// reads back as the same double: <c>0.1</c>, <c>12345678901234567000</c>, <c>1e+21</c>, <c>5e-324</c>).
    /// </summary>
    public static string Format(double number)
    {
        if (number == Math.Floor(number) && Math.Abs(number) < 9007199254740992d)
        {
            return ((long)number).ToString(CultureInfo.InvariantCulture); // also writes -0 as 0, as JSON.stringify does
        }

        // .NET's "R" has the shortest digits that read back as the same double; JavaScript places the point differently
        // (Number.prototype.toString: plain digits up to 21 places, an exponent beyond, no exponent padding).
        var r = number.ToString("R", CultureInfo.InvariantCulture);
        var negative = r[0] == '-';
        var e = r.IndexOf('E', StringComparison.Ordinal);
        var mantissa = e < 0 ? r[(negative ? 1 : 0)..] : r[(negative ? 1 : 0)..e];
        var exponent = e < 0 ? 0 : int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var n = (point < 0 ? mantissa.Length : point) + exponent; // the decimal point's place after the first digit
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        n -= leading;
        var k = digits.Length;
        var text = new StringBuilder(k + 25);
        if (negative)
        {
            text.Append('-');
        }

        if (k <= n && n <= 21)
        {
            text.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            text.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            text.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            text.Append(digits[0]);
            if (k > 1)
            {
                text.Append('.').Append(digits, 1, k - 1);
            }

            text.Append('e').Append(n - 1 >= 0 ? "+" : "-").Append(Math.Abs(n - 1).ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    // A plain decimal of at most 15 significant digits, without trailing zeros or an exponent, at least 1e-6: a double
    // holds it exactly enough that its shortest text is these digits (15 digits always read back the same), and
    // JavaScript writes a number of that size without an exponent. So Format would write the text itself.
    private static bool IsShortDecimal(ReadOnlySpan<byte> text)
    {
        var digits = text.Length > 0 && text[0] == (byte)'-' ? text[1..] : text;
        var point = digits.IndexOf((byte)'.');
        if (point <= 0 || point == digits.Length - 1 || digits[^1] == (byte)'0'
            || (digits[0] == (byte)'0' && point != 1)
            || digits[..point].ContainsAnyExceptInRange((byte)'0', (byte)'9')
            || digits[(point + 1)..].ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            return false;
        }

        var fraction = digits[(point + 1)..];
        if (digits[0] == (byte)'0')
        {
            var zeros = fraction.IndexOfAnyExcept((byte)'0');
            return zeros <= 5 && fraction.Length - zeros <= ExactIntegerDigits; // 0.000001 at the smallest
        }

        return point + fraction.Length <= ExactIntegerDigits;
    }

    // Whether the ASCII text of a JSON number is the string.
    private static bool IsText(ReadOnlySpan<byte> text, string formatted)
    {
        if (text.Length != formatted.Length)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != formatted[i])
            {
                return false;
            }
        }

        return true;
    }

    // Digits only (after an optional minus), no leading zero, at most 15 of them: exact, and written back the same.
    private static bool IsShortInteger(ReadOnlySpan<byte> text)
    {
        var digits = text.Length > 0 && text[0] == (byte)'-' ? text[1..] : text;
        return digits.Length is > 0 and <= ExactIntegerDigits
            && (digits[0] != (byte)'0' || (digits.Length == 1 && text.Length == 1))
            && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }
}
