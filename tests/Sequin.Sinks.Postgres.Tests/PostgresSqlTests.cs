using Sequin.Sinks.Postgres.Internal;

namespace Sequin.Sinks.Postgres.Tests;

/// <summary>The statements the sink sends: one per kind whatever the batch size, names quoted, values cast to the target's types.</summary>
public sealed class PostgresSqlTests
{
    private static readonly TargetTable Table = new(
        new TargetTableName("copy", "Orders"),
        new Dictionary<string, string> { ["id"] = "bigint", ["amount"] = "numeric", ["tags"] = "text[]", ["we\"ird"] = "jsonb" },
        ["id"]);

    [Fact]
    public void AnUpsertCastsEachTextArrayToTheTargetColumnsTypeAndUpdatesTheNonKeyColumns() =>
        Assert.Equal(
            "INSERT INTO \"copy\".\"Orders\" (\"id\", \"amount\", \"we\"\"ird\") OVERRIDING SYSTEM VALUE SELECT v.\"c0\"::bigint, v.\"c1\"::numeric, v.\"c2\"::jsonb "
            + "FROM unnest($1::text[], $2::text[], $3::text[]) AS v(\"c0\", \"c1\", \"c2\") "
            + "ON CONFLICT (\"id\") DO UPDATE SET \"amount\" = EXCLUDED.\"amount\", \"we\"\"ird\" = EXCLUDED.\"we\"\"ird\"",
            PostgresSql.Upsert(Table, ["id", "amount", "we\"ird"], ["id"]));

    [Fact]
    public void AnUpsertOfKeyColumnsOnlyDoesNothingOnConflict() =>
        Assert.EndsWith("ON CONFLICT (\"id\") DO NOTHING", PostgresSql.Upsert(Table, ["id"], ["id"]), StringComparison.Ordinal);

    [Fact]
    public void ADeleteJoinsTheKeyArraysCastToTheKeysTypes() =>
        Assert.Equal(
            "DELETE FROM \"copy\".\"Orders\" AS t USING unnest($1::text[]) AS d(\"k0\") WHERE t.\"id\" = d.\"k0\"::bigint",
            PostgresSql.Delete(Table, ["id"]));

    [Fact]
    public void ACreatedTableHasTheSourcesTypesAndPrimaryKey() =>
        Assert.Equal(
            "CREATE SCHEMA IF NOT EXISTS \"copy\"; CREATE TABLE IF NOT EXISTS \"copy\".\"Orders\" (\"id\" bigint, \"amount\" numeric(12,2), PRIMARY KEY (\"id\"))",
            PostgresSql.CreateTable(Table.Name, [("id", "bigint"), ("amount", "numeric(12,2)")], ["id"]));

    [Theory]
    [InlineData("orders", "public", "orders")]
    [InlineData("Archive.Orders", "Archive", "Orders")]
    public void ARoutedNameWithoutASchemaIsInPublic(string route, string schema, string table)
    {
        var name = TargetTableName.Parse(route);
        Assert.Equal((schema, table), (name.Schema, name.Table));
        Assert.Equal($"\"{schema}\".\"{table}\"", name.Sql);
    }
}
