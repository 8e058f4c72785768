using Sequin.Core.Tests.Support;
using Sequin.Messages;
using Sequin.Pipeline;

namespace Sequin.Core.Tests.Pipeline;

public sealed class GroupIdResolverTests
{
    private static readonly RelationInfo Composite = new(17000, "public", "pairs",
    [
        new RelationColumn("a", PgTypeOids.Int4, -1, true),
        new RelationColumn("b", PgTypeOids.Text, -1, true),
        new RelationColumn("c", PgTypeOids.Text, -1, false),
    ]);

    private static SinkConsumerSettings Settings(bool grouping = true, Dictionary<string, IReadOnlyList<string>>? columns = null) => new()
    {
        Consumer = new ConsumerInfo("s", "s"),
        Database = "db",
        MessageGrouping = grouping,
        GroupColumns = columns ?? [],
    };

    [Fact]
    public void DefaultGroupIsThePrimaryKey()
    {
        Assert.Equal("42", new GroupIdResolver(Settings()).Resolve(Some.Change(42)));
    }

    [Fact]
    public void CompositePrimaryKeyValuesAreJoinedWithColons()
    {
        var row = new RowImage(Composite, [ColumnValue.FromText("1"), ColumnValue.FromText("x"), ColumnValue.FromText("z")]);
        var message = new ChangeMessage(ChangeAction.Insert, row, null, Some.Transaction(), 0, Some.Source);

        Assert.Equal("1:x", new GroupIdResolver(Settings()).Resolve(message));
    }

    [Fact]
    public void ConfiguredGroupColumnsReplaceThePrimaryKeyAndSkipNulls()
    {
        var resolver = new GroupIdResolver(Settings(columns: new() { ["t"] = ["tenant", "name"] }));

        Assert.Equal("acme:bob", resolver.Resolve(Some.Change(1, name: "bob", tenant: "acme")));
        Assert.Equal("bob", resolver.Resolve(Some.Change(1, name: "bob", tenant: null)));
        Assert.Null(resolver.Resolve(Some.Change(1, name: null, tenant: null)));
    }

    [Fact]
    public void GroupColumnsOfAnotherTableDoNotApply()
    {
        var resolver = new GroupIdResolver(Settings(columns: new() { ["public.other"] = ["tenant"] }));

        Assert.Equal("7", resolver.Resolve(Some.Change(7, tenant: "acme")));
        Assert.Equal("acme", resolver.Resolve(Some.Change(7, tenant: "acme", table: Some.OtherTable)));
    }

    [Fact]
    public void WithoutMessageGroupingThereIsNoGroup()
    {
        Assert.Null(new GroupIdResolver(Settings(grouping: false)).Resolve(Some.Change(1)));
    }

    [Fact]
    public void TruncateHasItsOwnGroupPerTable()
    {
        var resolver = new GroupIdResolver(Settings());

        Assert.Equal("public.t", resolver.Resolve(Some.Change(1, action: ChangeAction.Truncate)));
        Assert.Equal("public.other", resolver.Resolve(Some.Change(1, action: ChangeAction.Truncate, table: Some.OtherTable)));
    }
}
