using System.Globalization;

namespace Sequin.Hosting.AspNetCore.Health;

/// <summary>Byte counts and durations as an operator reads them: <c>1.5 MiB</c>, <c>2 min 5 s</c>.</summary>
internal static class Humanized
{
    private static readonly string[] Units = ["bytes", "KiB", "MiB", "GiB", "TiB"];

    /// <summary><paramref name="bytes"/> in the largest binary unit that keeps the number at least 1 (one decimal above bytes).</summary>
    public static string Bytes(long bytes)
    {
        if (bytes < 1024)
        {
            return bytes.ToString(CultureInfo.InvariantCulture) + " bytes";
        }

        var value = (double)bytes;
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + Units[unit];
    }

    /// <summary><paramref name="duration"/> to the second: <c>0 s</c>, <c>42 s</c>, <c>3 min 7 s</c>, <c>2 h 5 min</c>, <c>3 d 4 h</c>.</summary>
    public static string Duration(TimeSpan duration)
    {
        var seconds = (long)Math.Max(0, Math.Round(duration.TotalSeconds));
        return seconds switch
        {
            < 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds} s"),
            < 3600 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60} min {seconds % 60} s"),
            < 86400 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600} h {seconds % 3600 / 60} min"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 86400} d {seconds % 86400 / 3600} h"),
        };
    }
}
