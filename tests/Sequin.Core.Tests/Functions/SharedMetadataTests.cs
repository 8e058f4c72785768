using System.Text;
using System.Text.Json;
using Jint.Native;
using Sequin.Functions.Engines;

namespace Sequin.Core.Tests.Functions;

public sealed class SharedMetadataTests
{
    [Fact]
    public void ARepeatedMetadataStringIsTheSameValueAndAChangedOneIsReadAfresh()
    {
        var shared = new SharedMetadata();

        var first = Read(shared, "table_name", "\"orders\"");
        var again = Read(shared, "table_name", "\"orders\"");
        var other = Read(shared, "table_name", "\"customers\"");
        var schema = Read(shared, "table_schema", "\"orders\"");

        Assert.Same(first, again);
        Assert.Equal("orders", first.ToString());
        Assert.Equal("customers", other.ToString());
        Assert.NotSame(first, schema); // kept per key
        Assert.Equal("orders", schema.ToString());
    }

    [Fact]
    public void EscapedAndLongStringsAreReadAsTheyAre()
    {
        var shared = new SharedMetadata();
        var longText = new string('x', 300);

        Assert.Equal("a\"b", Read(shared, "k", "\"a\\\"b\"").ToString());
        Assert.Equal(longText, Read(shared, "k", "\"" + longText + "\"").ToString());
        Assert.NotSame(Read(shared, "k", "\"" + longText + "\""), Read(shared, "k", "\"" + longText + "\""));
    }

    private static JsString Read(SharedMetadata shared, string key, string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        return shared.GetString(key, ref reader);
    }
}
