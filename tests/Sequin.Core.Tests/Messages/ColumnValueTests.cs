using System.Text;
using Sequin.Messages;

namespace Sequin.Core.Tests.Messages;

/// <summary>A value held as UTF-8 bytes is the same value as one held as a string.</summary>
public sealed class ColumnValueTests
{
    [Fact]
    public void AUtf8ValueHasTheTextOfItsBytesAndEqualsTheSameText()
    {
        var bytes = Encoding.UTF8.GetBytes("xxhéllo 😀yy");
        var utf8 = ColumnValue.FromUtf8(bytes, 2, bytes.Length - 4);
        var text = ColumnValue.FromText("héllo 😀");

        Assert.Equal(ColumnValueKind.Text, utf8.Kind);
        Assert.Equal("héllo 😀", utf8.Text);
        Assert.True(utf8 == text);
        Assert.True(text.Equals(utf8));
        Assert.Equal(text.GetHashCode(), utf8.GetHashCode());
        Assert.Equal(utf8, ColumnValue.FromUtf8(Encoding.UTF8.GetBytes("héllo 😀"), 0, Encoding.UTF8.GetByteCount("héllo 😀")));
        Assert.NotEqual(utf8, ColumnValue.FromText("hello"));
        Assert.NotEqual(ColumnValue.FromText(string.Empty), ColumnValue.Null);
        Assert.Equal(text.ToString(), utf8.ToString());
        var (kind, value) = utf8;
        Assert.Equal((ColumnValueKind.Text, "héllo 😀"), (kind, value));
        Assert.True(utf8.TryGetUtf8(out var span));
        Assert.Equal("héllo 😀", Encoding.UTF8.GetString(span));
        Assert.False(text.TryGetUtf8(out _));
    }

    [Fact]
    public void TheKindsWithoutTextStayAsTheyWere()
    {
        Assert.Equal(ColumnValueKind.Null, ColumnValue.Null.Kind);
        Assert.Null(ColumnValue.Null.Text);
        Assert.Equal(ColumnValueKind.UnchangedToast, ColumnValue.UnchangedToast.Kind);
        Assert.Null(ColumnValue.UnchangedToast.Text);
        Assert.Equal(ColumnValue.UnchangedToast, new ColumnValue(ColumnValueKind.UnchangedToast, null));
        Assert.NotEqual(ColumnValue.UnchangedToast, ColumnValue.Null);
        Assert.Equal("ColumnValue { Kind = Null, Text =  }", ColumnValue.Null.ToString());
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(0, -1)]
    [InlineData(2, 3)]
    public void ARangeOutsideTheArrayIsRefused(int start, int length) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ColumnValue.FromUtf8(new byte[4], start, length));
}
