using Sequin.Messages;
using Sequin.Sinks.Postgres.Internal;

namespace Sequin.Sinks.Postgres.Tests;

/// <summary>How a batch's changes fold into each row's last state, keeping what sequential application would leave.</summary>
public sealed class BatchPlanTests
{
    [Fact]
    public void SeveralChangesOfOneRowFoldIntoTheLastAndOtherRowsKeepTheirOwn()
    {
        var plan = BatchPlan.Build(
            [Some.Change(1, name: "a"), Some.Change(2, name: "b"), Some.Change(1, ChangeAction.Update, "a2"), Some.Change(1, ChangeAction.Update, "a3")],
            PostgresTruncateMode.Ignore);

        var step = Assert.IsType<RowsStep>(Assert.Single(plan.Steps));
        Assert.Empty(step.Deletes);
        Assert.Equal([("1", "a3"), ("2", "b")], step.Upserts.Select(r => (r[0].Text, r[1].Text)));
    }

    [Fact]
    public void ADeleteThenAnInsertOfOneKeyEndsWithTheRowPresentAndAnInsertThenADeleteWithItGone()
    {
        var plan = BatchPlan.Build(
            [Some.Change(1, ChangeAction.Delete), Some.Change(1, name: "again"), Some.Change(2, name: "b"), Some.Change(2, ChangeAction.Delete)],
            PostgresTruncateMode.Ignore);

        var step = Assert.IsType<RowsStep>(Assert.Single(plan.Steps));
        Assert.Equal(["2"], step.Deletes.Select(r => r[0].Text));
        Assert.Equal([("1", "again")], step.Upserts.Select(r => (r[0].Text, r[1].Text)));
    }

    [Fact]
    public void AnUpdateThatChangedTheKeyDeletesTheOldKey()
    {
        var plan = BatchPlan.Build([Some.Change(5, ChangeAction.Update, "moved", oldId: 4)], PostgresTruncateMode.Ignore);

        var step = Assert.IsType<RowsStep>(Assert.Single(plan.Steps));
        Assert.Equal(["4"], step.Deletes.Select(r => r[0].Text));
        Assert.Equal(["5"], step.Upserts.Select(r => r[0].Text));
    }

    [Fact]
    public void AnUnchangedToastedValueTakesTheEarlierUpsertsValueInTheBatchOrStaysUnsent()
    {
        var plan = BatchPlan.Build([Some.Change(1, name: "long text"), Some.UnchangedNameUpdate(1), Some.UnchangedNameUpdate(2)], PostgresTruncateMode.Ignore);

        var step = Assert.IsType<RowsStep>(Assert.Single(plan.Steps));
        Assert.Equal("long text", step.Upserts[0][1].Text);
        Assert.Equal(ColumnValueKind.UnchangedToast, step.Upserts[1][1].Kind);
    }

    [Fact]
    public void AnAppliedTruncateDropsWhatCameBeforeItAndKeepsWhatFollowsAndAnIgnoredOneDoesNothing()
    {
        ChangeMessage[] changes = [Some.Change(1), Some.Change(0, ChangeAction.Truncate), Some.Change(2)];

        var applied = BatchPlan.Build(changes, PostgresTruncateMode.Apply);
        var ignored = BatchPlan.Build(changes, PostgresTruncateMode.Ignore);

        Assert.IsType<TruncateStep>(applied.Steps[0]);
        Assert.Equal(["2"], Assert.IsType<RowsStep>(applied.Steps[1]).Upserts.Select(r => r[0].Text));
        Assert.Equal(2, applied.Steps.Count);
        Assert.Equal(["1", "2"], Assert.IsType<RowsStep>(Assert.Single(ignored.Steps)).Upserts.Select(r => r[0].Text));
    }
}
