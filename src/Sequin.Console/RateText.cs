using System.Globalization;

namespace Sequin.WebConsole;

/// <summary>How the pages show a delivery rate: one decimal, or "measuring…" while it is not yet known.</summary>
internal static class RateText
{
    /// <summary>The text of <paramref name="perSecond"/>.</summary>
    public static string Of(double? perSecond) =>
        perSecond is { } rate ? rate.ToString("N1", CultureInfo.InvariantCulture) : "measuring…";
}
