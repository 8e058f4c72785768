namespace Sequin.Messages;

/// <summary>Parses PostgreSQL's ISO text output of timestamp and timestamptz values (DateStyle ISO).</summary>
internal static class PgTimestampText
{
    /// <summary>
    /// Parses <c>YYYY-MM-DD HH:MM:SS[.ffffff]</c>, followed for timestamptz by an offset <c>±HH[:MM[:SS]]</c> (offsets with
    /// seconds come from historic zones). Returns false for infinity, BC dates, years past 9999 and anything unexpected.
    /// A value without zone is taken as UTC. The result has offset zero.
    /// </summary>
    public static bool TryParse(string text, bool withZone, out DateTimeOffset value)
    {
        value = default;
        var s = text.AsSpan();
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':'
            || !TryDigits(s.Slice(0, 4), out var year) || !TryDigits(s.Slice(5, 2), out var month)
            || !TryDigits(s.Slice(8, 2), out var day) || !TryDigits(s.Slice(11, 2), out var hour)
            || !TryDigits(s.Slice(14, 2), out var minute) || !TryDigits(s.Slice(17, 2), out var second))
        {
            return false;
        }

        var pos = 19;
        long fractionTicks = 0;
        if (pos < s.Length && s[pos] == '.')
        {
            pos++;
            var digits = 0;
            while (pos < s.Length && char.IsAsciiDigit(s[pos]))
            {
                if (digits < 7)
                {
                    fractionTicks = (fractionTicks * 10) + (s[pos] - '0');
                    digits++;
                }

                pos++;
            }

            if (digits == 0)
            {
                return false;
            }

            for (; digits < 7; digits++)
            {
                fractionTicks *= 10;
            }
        }

        var offsetSeconds = 0;
        if (withZone)
        {
            if (pos + 3 > s.Length || (s[pos] != '+' && s[pos] != '-') || !TryDigits(s.Slice(pos + 1, 2), out var offsetHours))
            {
                return false;
            }

            var sign = s[pos] == '-' ? -1 : 1;
            pos += 3;
            var offsetMinutes = 0;
            var offsetSecondsPart = 0;
            if (pos + 3 <= s.Length && s[pos] == ':' && TryDigits(s.Slice(pos + 1, 2), out offsetMinutes))
            {
                pos += 3;
                if (pos + 3 <= s.Length && s[pos] == ':' && TryDigits(s.Slice(pos + 1, 2), out offsetSecondsPart))
                {
                    pos += 3;
                }
            }

            offsetSeconds = sign * ((offsetHours * 3600) + (offsetMinutes * 60) + offsetSecondsPart);
        }

        if (pos != s.Length || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false; // " BC", trailing text, or out of range
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(fractionTicks);
        var utcTicks = local.Ticks - (offsetSeconds * TimeSpan.TicksPerSecond);
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(utcTicks, TimeSpan.Zero);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
