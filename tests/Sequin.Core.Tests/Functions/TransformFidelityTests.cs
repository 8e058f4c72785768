using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sequin.Core.Tests.Routing.Support;
using Sequin.Functions;
using Sequin.Messages;

namespace Sequin.Core.Tests.Functions;

/// <summary>
/// What a function does not change leaves it as it came in: numerics keep their exact text, text is written as UTF-8
/// with only the escapes JSON requires (as the default payload), and json/jsonb nested hundreds or thousands of levels
/// deep passes through whole.
/// </summary>
public sealed class TransformFidelityTests
{
    private const string BigNumeric = "12345678901234567890.0123456789";
    private const string Unicode = "héllo \"wörld\" ✓ 🚀";
    private const string Reshape = "return {id: record.id, amount: record.amount, huge: record.huge, note: record.note, doc: record.doc};";

    private static readonly string HugeNumeric = "1" + new string('0', 600); // numeric 1e600 as PostgreSQL writes it

    private static readonly RelationInfo Ledger = new(
        16500,
        "public",
        "ledger",
        [
            new RelationColumn("id", PgTypeOids.Int8, -1, IsKey: true),
            new RelationColumn("amount", PgTypeOids.Numeric, -1, IsKey: false),
            new RelationColumn("huge", PgTypeOids.Numeric, -1, IsKey: false),
            new RelationColumn("note", PgTypeOids.Text, -1, IsKey: false),
            new RelationColumn("doc", PgTypeOids.Jsonb, -1, IsKey: false),
        ]);

    [Theory]
    [InlineData("return record;")]
    [InlineData(Reshape)]
    [InlineData("const {amount, ...rest} = record; return [{...rest, amount}];")]
    [InlineData("let copy = Object.assign({}, record); copy.extra = 1; return copy;")]
    public void AnUntouchedNumericKeepsItsExactText(string body)
    {
        var result = Transform(body, Message(BigNumeric));

        Assert.Matches("\"amount\":" + Regex.Escape(BigNumeric) + "[,}]", result);
        Assert.Matches("\"huge\":" + HugeNumeric + "[,}]", result);
    }

    [Theory]
    [InlineData("1.50")] // numeric(30,2): the trailing zero is part of the value's text
    [InlineData("0.1000000000")]
    [InlineData("-0")] // float8 negative zero
    [InlineData("1e-400")] // underflows a double to 0
    [InlineData("9007199254740993")] // above 2^53: a double cannot hold it
    public void NumbersADoubleDoesNotHoldAsWrittenPassThroughAsWritten(string text)
    {
        var result = Transform("return [record.amount];", Message(text));

        Assert.Equal("[" + text + "]", result);
    }

    [Theory]
    [InlineData("9.5")]
    [InlineData("-0.25")]
    [InlineData("0.000001")]
    [InlineData("123456789.123456")]
    [InlineData("0.0000001")] // JavaScript writes 1e-7
    [InlineData("1234567890.1234567")] // 17 significant digits
    [InlineData("12.0")]
    public void EveryNumberIsWrittenBackAsTheMessageHadIt(string text)
    {
        var result = Transform("return [record.amount, record.amount];", Message(text));

        Assert.Equal("[" + text + "," + text + "]", result);
    }

    [Fact]
    public void ANumericReachesTheFunctionAsTheNearestNumber()
    {
        var result = Transform("return [typeof record.amount, record.amount === 12345678901234567890.0123456789, record.amount > 1e19, record.amount + 0];", Message(BigNumeric));

        Assert.Equal("[\"number\",true,true,12345678901234567000]", result);
    }

    [Fact]
    public void AComputedNumberIsWrittenAsTheDoubleItIs()
    {
        var result = Transform("return {amount: record.amount * 2, half: record.amount / 2, same: record.amount};", Message(BigNumeric));

        Assert.Equal("{\"amount\":24691357802469134000,\"half\":6172839450617284000,\"same\":" + BigNumeric + "}", result);
    }

    [Fact]
    public void ANumericBeyondTheDoubleRangeReachesTheFunctionAsItsDigits()
    {
        var result = Transform("return [typeof record.huge, record.huge.length, record.huge.slice(0, 3), numericHuge(record.huge)];\nfunction numericHuge(s) { return s === '1' + '0'.repeat(600); }", Message(BigNumeric));

        Assert.Equal("[\"string\",601,\"100\",true]", result);
    }

    [Fact]
    public void ANumberBeyondTheDoubleRangeIsWrittenAsANumberUnlessTheFunctionChangesIt()
    {
        var result = Transform("return {huge: record.huge.slice(0, 5), text: String(record.huge).length, same: record.huge};", Message(BigNumeric));

        Assert.Equal("{\"huge\":\"10000\",\"text\":601,\"same\":" + HugeNumeric + "}", result);
    }

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(123.456, "123.456")]
    [InlineData(6172839450617283584d, "6172839450617284000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(-1.7976931348623157e308, "-1.7976931348623157e+308")]
    [InlineData(9007199254740991d, "9007199254740991")]
    public void NumbersAreWrittenAsJavaScriptWritesThem(double number, string expected)
    {
        Assert.Equal(expected, Sequin.Functions.Engines.ExactNumbers.Format(number));
    }

    [Fact]
    public void ARoutingFunctionSeesTheExactTextOfAnUntouchedNumber()
    {
        var entries = new List<RouteEntry>();

        JintFunctionEngineTests.Instance(Some.Route("return {key: record.amount, big: record.huge, sum: record.amount + 1};"))
            .InvokeRoute(JintFunctionEngineTests.Input(Message(BigNumeric)), entries);

        Assert.Equal(new RouteEntry("key", RouteValueKind.Number, BigNumeric), entries[0]);
        Assert.Equal(new RouteEntry("big", RouteValueKind.Number, HugeNumeric), entries[1]);
        Assert.Equal(new RouteEntry("sum", RouteValueKind.Number, "12345678901234567000"), entries[2]);
    }

    [Theory]
    [InlineData("return record;")]
    [InlineData(Reshape)]
    public void TextIsWrittenAsUtf8WithOnlyTheEscapesJsonRequires(string body)
    {
        var result = Transform(body, Message(BigNumeric));

        Assert.Contains("\"note\":\"héllo \\\"wörld\\\" ✓ 🚀\"", result, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", result, StringComparison.Ordinal);
    }

    [Fact]
    public void TheFunctionsOwnTextIsWrittenAsUtf8Too()
    {
        var result = Transform("return {'clé ✓': 'naïve <b>&</b> 🚀\\n'};", Message(BigNumeric));

        Assert.Equal("{\"clé ✓\":\"naïve <b>&</b> 🚀\\n\"}", result);
    }

    [Theory]
    [InlineData(65)]
    [InlineData(300)]
    [InlineData(1_500)]
    [InlineData(20_000)]
    public void DeepJsonbPassesThroughWhole(int depth)
    {
        var doc = Nested(depth);
        foreach (var body in new[] { "return record;", Reshape })
        {
            var result = Transform(body, Message(BigNumeric, doc));

            using var parsed = JsonDocument.Parse(result, ChangeMessageJsonWriter.DocumentOptions);
            Assert.Equal(doc, parsed.RootElement.GetProperty("doc").GetRawText());
        }
    }

    [Fact]
    public void AFunctionCanWalkDeepJsonb()
    {
        var result = Transform("let d = record.doc, n = 0; while (d.a) { d = d.a; n++; } return n;", Message(BigNumeric, Nested(1_500)));

        Assert.Equal("1500", result);
    }

    [Fact]
    public void AValueDeeperThanAMessageMayBeFailsClearly()
    {
        var limits = new FunctionLimits { Timeout = FunctionLimits.MaxTimeout, MaxStatements = int.MaxValue, MaxAllocatedBytes = FunctionLimits.MaxMemoryLimit, WallClockTimeout = FunctionLimits.MaxWallClockTimeout };
        var instance = JintFunctionEngineTests.Instance(
            Some.Transform("let o = 1; for (let i = 0; i <= " + ChangeMessageJsonWriter.MaxDepth + "; i++) { o = {a: o}; } return o;"), limits);

        var e = Assert.Throws<FunctionException>(() => instance.InvokeTransform(JintFunctionEngineTests.Input(Message(BigNumeric))));

        Assert.Contains("returned a value that is not JSON serializable: a value nested deeper than 100000 levels at $.a.a.a", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACycleIsReportedWithItsPath()
    {
        var e = Assert.Throws<FunctionException>(() => Transform("let o = {list: [1, {}]}; o.list[1].back = o; return o;", Message(BigNumeric)));

        Assert.Contains("a cyclic value at $.list[1].back", e.Error.Message, StringComparison.Ordinal);
    }

    // {"a":{"a":...{"a":1}...}} with depth objects.
    private static string Nested(int depth) =>
        new StringBuilder().Insert(0, "{\"a\":", depth).Append('1').Append('}', depth).ToString();

    private static ChangeMessage Message(string amount, string doc = "{\"k\": [1, 2.50, \"✓\"]}")
    {
        var record = new RowImage(Ledger,
        [
            ColumnValue.FromText("7"),
            ColumnValue.FromText(amount),
            ColumnValue.FromText(HugeNumeric),
            ColumnValue.FromText(Unicode),
            ColumnValue.FromText(doc),
        ]);
        var transaction = new TransactionInfo(23728496, new DateTimeOffset(2025, 3, 1, 10, 0, 0, 130, TimeSpan.Zero), 77);
        var source = new SourceDatabaseInfo("db-1", "dune", "dune_db", "db.internal");
        return new ChangeMessage(ChangeAction.Insert, record, null, transaction, 3, source, null);
    }

    private static string Transform(string body, ChangeMessage message) =>
        Encoding.UTF8.GetString(JintFunctionEngineTests.Instance(Some.Transform(body)).InvokeTransform(JintFunctionEngineTests.Input(message)));
}
