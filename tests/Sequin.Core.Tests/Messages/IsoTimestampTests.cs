using System.Globalization;
using System.Text;
using Sequin.Messages;

namespace Sequin.Core.Tests.Messages;

public sealed class IsoTimestampTests
{
    public static TheoryData<long> Ticks()
    {
        var data = new TheoryData<long> { DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks, new DateTime(2025, 3, 1, 10, 0, 0, DateTimeKind.Utc).Ticks + 1_234_567 };
        var random = new Random(20261128);
        for (var i = 0; i < 200; i++)
        {
            data.Add(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Ticks))]
    public void WritesWhatTheCustomFormatWrote(long ticks)
    {
        var value = new DateTime(ticks, DateTimeKind.Utc);
        var expected = value.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        Span<byte> buffer = stackalloc byte[IsoTimestamp.MaxLength];

        var length = IsoTimestamp.Write(value, buffer, zone: false);

        Assert.Equal(expected, Encoding.ASCII.GetString(buffer[..length]));
        Assert.Equal(expected + "Z", IsoTimestamp.ToString(value, zone: true));
    }

    [Theory]
    [MemberData(nameof(Ticks))]
    public void PostgresUtcOutputIsRewrittenToWhatParsingAndWritingGive(long ticks)
    {
        var value = new DateTime(ticks - (ticks % 10), DateTimeKind.Utc); // PostgreSQL keeps microseconds
        // PostgreSQL's output: no fraction when it is zero, otherwise without trailing zeros.
        var text = value.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.');
        Span<byte> rewritten = stackalloc byte[IsoTimestamp.MaxLength];
        Span<byte> written = stackalloc byte[IsoTimestamp.MaxLength];
        foreach (var zone in new[] { true, false })
        {
            var pgText = zone ? text + "+00" : text;

            Assert.True(IsoTimestamp.TryRewriteUtc(pgText.AsSpan(), rewritten, zone, out var length), pgText);
            Assert.True(PgTimestampText.TryParse(pgText, zone, out var parsed));
            var expected = IsoTimestamp.Write(parsed.UtcDateTime, written, zone);
            Assert.Equal(Encoding.ASCII.GetString(written[..expected]), Encoding.ASCII.GetString(rewritten[..length]));
        }
    }

    [Theory]
    [InlineData("2025-03-01 10:00:00+01", true)] // another offset: parsed and converted instead
    [InlineData("2025-03-01 10:00:00+00:30", true)]
    [InlineData("2025-03-01 10:00:00", true)] // no zone where one is expected
    [InlineData("2025-03-01 10:00:00+00", false)] // a zone where none is expected
    [InlineData("infinity", true)]
    [InlineData("-infinity", false)]
    [InlineData("0044-03-15 12:00:00+00 BC", true)]
    [InlineData("12025-03-01 10:00:00+00", true)]
    [InlineData("2025-02-29 10:00:00+00", true)] // not a leap year
    [InlineData("2025-13-01 10:00:00+00", true)]
    [InlineData("2025-03-01 24:00:00+00", true)]
    [InlineData("2025-03-01 10:60:00+00", true)]
    [InlineData("2025-03-01 10:00:00.+00", true)]
    [InlineData("2025-03-01 10:00:00.1234567+00", true)]
    [InlineData("2025-03-01T10:00:00+00", true)]
    [InlineData("2025-03-01 10:00:0x+00", true)]
    [InlineData("0000-03-01 10:00:00+00", true)]
    public void OtherTextIsLeftToTheParser(string text, bool zone)
    {
        Span<byte> buffer = stackalloc byte[IsoTimestamp.MaxLength];

        Assert.False(IsoTimestamp.TryRewriteUtc(text.AsSpan(), buffer, zone, out _));
    }
}
