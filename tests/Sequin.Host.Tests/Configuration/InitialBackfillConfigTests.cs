using Sequin.Backfills;
using Sequin.Host.Tests.Support;

namespace Sequin.Host.Tests.Configuration;

/// <summary>A sink's <c>initial_backfill</c>, as in the original: <c>true</c>, or a list of tables (full or partial).</summary>
public sealed class InitialBackfillConfigTests
{
    private const string Anchor = "    partition_count: 4\n";

    [Fact]
    public void TrueBackfillsEveryTableTheSinkTakesAndFalseOrAbsentNone()
    {
        Assert.Equal(new InitialBackfill(true, []).AllTables, Load("initial_backfill: true")!.AllTables);
        Assert.Null(Load("initial_backfill: false"));
        Assert.Null(Yaml.Load(Yaml.ValidConfig).Config!.FindSink("orders-static")!.InitialBackfill);
    }

    [Fact]
    public void AListNamesFullAndPartialBackfillsWithTheirSortColumnAndStartPosition()
    {
        var initial = Load("""
            initial_backfill:
                  - table: orders
                  - table: sales.invoices
                    type: partial
                    sort_column: updated_at
                    start_position: "2025-01-01T00:00:00Z"
            """)!;

        Assert.False(initial.AllTables);
        Assert.Equal(
            [new BackfillRequest("orders", BackfillKind.Full), new BackfillRequest("sales.invoices", BackfillKind.Partial, "updated_at", "2025-01-01T00:00:00Z")],
            initial.Tables);
        Assert.Equal("public.orders", initial.Tables[0].QualifiedTable);
    }

    [Theory]
    [InlineData("{ table: t, type: partial, start_position: 1 }", "sinks[0].initial_backfill[0].sort_column", "Required for a partial backfill")]
    [InlineData("{ table: t, type: partial, sort_column: id }", "sinks[0].initial_backfill[0].start_position", "Required for a partial backfill")]
    [InlineData("{ table: t, sort_column: id }", "sinks[0].initial_backfill[0].sort_column", "Only for type: partial")]
    [InlineData("{ table: t, type: incremental }", "sinks[0].initial_backfill[0].type", "Must be one of full, partial (got 'incremental').")]
    [InlineData("{ type: full }", "sinks[0].initial_backfill[0].table", "Required.")]
    [InlineData("{ table: t, tabel: u }", "sinks[0].initial_backfill[0].tabel", "Unknown field. Known fields: table, type, sort_column, start_position.")]
    public void MistakesAreReportedWithTheirPath(string item, string path, string message)
    {
        var result = Yaml.Load(Yaml.ValidConfig.Replace(Anchor, Anchor + "    initial_backfill: [" + item + "]\n", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    private static InitialBackfill? Load(string yaml)
    {
        var result = Yaml.Load(Yaml.ValidConfig.Replace(Anchor, Anchor + "    " + yaml.Replace("\n", "\n    ", StringComparison.Ordinal) + "\n", StringComparison.Ordinal));
        Assert.Empty(result.Errors);
        return result.Config!.FindSink("orders-static")!.InitialBackfill;
    }
}
