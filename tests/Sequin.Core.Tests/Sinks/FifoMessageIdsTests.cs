using System.Security.Cryptography;
using System.Text;
using Sequin.Sinks;

namespace Sequin.Core.Tests.Sinks;

/// <summary>The FIFO group and deduplication ids the SNS and SQS sinks send.</summary>
public sealed class FifoMessageIdsTests
{
    [Fact]
    public void TheGroupIdIsTheLowerCaseHexMd5OfTheGroup()
    {
#pragma warning disable CA5351 // the id is defined as an MD5; the test recomputes it
        var expected = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("public.orders")));
#pragma warning restore CA5351

        var id = FifoMessageIds.MessageGroupId("public.orders");

        Assert.Equal(expected, id);
        Assert.Equal(32, id.Length);
        Assert.True(FifoMessageIds.IsValidId(id));
    }

    [Fact]
    public void AnIdempotencyKeyThatFitsIsTheDeduplicationIdItself()
    {
        Assert.Equal("MTIzOjQ=", FifoMessageIds.MessageDeduplicationId("MTIzOjQ="));
    }

    [Theory]
    [InlineData(129, "k")]
    [InlineData(1, " ")]
    [InlineData(1, "é")]
    public void DeduplicationIdsThatDoNotFitAreHashed(int count, string part)
    {
        var key = string.Concat(Enumerable.Repeat(part, count));

        var hashed = FifoMessageIds.MessageDeduplicationId(key);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), hashed);
        Assert.True(FifoMessageIds.IsValidId(hashed));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("A-z_0.9:!~{}", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("tab\t", false)]
    [InlineData("ünïcode", false)]
    public void ValidIdsAreOneTo128AsciiLettersDigitsOrPunctuation(string value, bool valid)
    {
        Assert.Equal(valid, FifoMessageIds.IsValidId(value));
    }

    [Fact]
    public void AnIdOf128CharactersIsValidAndOneOf129IsNot()
    {
        Assert.True(FifoMessageIds.IsValidId(new string('x', FifoMessageIds.MaxLength)));
        Assert.False(FifoMessageIds.IsValidId(new string('x', FifoMessageIds.MaxLength + 1)));
    }
}
