using Sequin.Core.Tests.Support;
using Sequin.Messages;
using Sequin.Pipeline;

namespace Sequin.Core.Tests.Pipeline;

public sealed class SourceFilterTests
{
    private static readonly RelationInfo Audit = new(18000, "audit", "log", [new RelationColumn("id", PgTypeOids.Int4, -1, true), new RelationColumn("name", PgTypeOids.Text, -1, false), new RelationColumn("tenant", PgTypeOids.Text, -1, false)]);

    private static SinkConsumerSettings Settings() => new() { Consumer = new ConsumerInfo("s", "s"), Database = "db" };

    [Fact]
    public void EverythingButTruncateMatchesByDefault()
    {
        var filter = new SourceFilter(Settings());

        Assert.True(filter.Matches(Some.Change(1, action: ChangeAction.Insert)));
        Assert.True(filter.Matches(Some.Change(1, action: ChangeAction.Delete)));
        Assert.True(filter.Matches(Some.Change(1, action: ChangeAction.Read, table: Audit)));
        Assert.False(filter.Matches(Some.Change(1, action: ChangeAction.Truncate)));
    }

    [Fact]
    public void OnlyListedActionsMatchButReadAlwaysPasses()
    {
        var filter = new SourceFilter(Settings() with { Actions = new HashSet<ChangeAction> { ChangeAction.Insert, ChangeAction.Truncate } });

        Assert.True(filter.Matches(Some.Change(1, action: ChangeAction.Insert)));
        Assert.True(filter.Matches(Some.Change(1, action: ChangeAction.Truncate)));
        Assert.True(filter.Matches(Some.Change(1, action: ChangeAction.Read)));
        Assert.False(filter.Matches(Some.Change(1, action: ChangeAction.Update)));
    }

    [Fact]
    public void SchemasAreIncludedAndExcluded()
    {
        Assert.False(new SourceFilter(Settings() with { IncludeSchemas = ["audit"] }).Matches(Some.Change(1)));
        Assert.True(new SourceFilter(Settings() with { IncludeSchemas = ["audit"] }).Matches(Some.Change(1, table: Audit)));
        Assert.False(new SourceFilter(Settings() with { ExcludeSchemas = ["audit"] }).Matches(Some.Change(1, table: Audit)));
        Assert.True(new SourceFilter(Settings() with { ExcludeSchemas = ["audit"] }).Matches(Some.Change(1)));
    }

    [Fact]
    public void TablesAreIncludedAndExcludedAndABareNameMeansPublic()
    {
        var include = new SourceFilter(Settings() with { IncludeTables = ["t", "audit.log"] });
        Assert.True(include.Matches(Some.Change(1)));
        Assert.True(include.Matches(Some.Change(1, table: Audit)));
        Assert.False(include.Matches(Some.Change(1, table: Some.OtherTable)));

        var exclude = new SourceFilter(Settings() with { ExcludeTables = ["public.t"] });
        Assert.False(exclude.Matches(Some.Change(1)));
        Assert.True(exclude.Matches(Some.Change(1, table: Some.OtherTable)));
    }
}
