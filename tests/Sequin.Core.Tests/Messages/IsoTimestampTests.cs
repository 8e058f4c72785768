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
}
