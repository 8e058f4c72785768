using System.Globalization;

namespace Sequin.Messages;

/// <summary>Parses PostgreSQL's ISO text output of timestamp and timestamptz values.</summary>
internal static class PgTimestampText
{
    private static readonly string[] ZonedFormats =
    [
        "yyyy-MM-dd HH:mm:ss.FFFFFFzzz", "yyyy-MM-dd HH:mm:ss.FFFFFFzz", "yyyy-MM-dd HH:mm:ss.FFFFFFzzz':'ss",
    ];

    private const string LocalFormat = "yyyy-MM-dd HH:mm:ss.FFFFFF";

    /// <summary>Parses a value; false for infinity, BC dates and anything unexpected. A value without zone is taken as UTC.</summary>
    public static bool TryParse(string text, bool withZone, out DateTimeOffset value)
    {
        if (withZone)
        {
            return DateTimeOffset.TryParseExact(text, ZonedFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
        }

        if (DateTime.TryParseExact(text, LocalFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var local))
        {
            value = new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Utc));
            return true;
        }

        value = default;
        return false;
    }
}
