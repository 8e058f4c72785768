using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;
using Xunit.Abstractions;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 29: a <c>tables[].group_column_names</c> column (or table) the database does not have stops <c>sequin run</c>
/// at start, naming the sink, table and column; before, its value was absent from every row and the table's messages
/// silently lost their ordering.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GroupColumnsThroughHostTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task AGroupColumnTheTableDoesNotHaveStopsTheHostNamingSinkTableAndColumn()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "group_columns");
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, customer_id int)");
        var config = scenario.WriteConfig("tables: [{ name: orders, group_column_names: [customer_id, custmer_id] }]");

        var (exit, text) = await SequinHostProcess.RunToEndAsync("run", "--config", config, "--plugins-dir", BuildPaths.Plugins);
        output.WriteLine(text);

        Assert.Equal(1, exit);
        Assert.Contains("Sink 'to-file': group_column_names of table 'public.orders' names column 'custmer_id', which the table does not have", text, StringComparison.Ordinal);
        Assert.Contains("(its columns: id, customer_id)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExistingGroupColumnsPassTheCheckAndTheHostDelivers()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "group_columns_ok");
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, customer_id int)");
        var config = scenario.WriteConfig("tables: [{ name: orders, group_column_names: [customer_id] }]");

        await using var host = SequinHostProcess.Start(config);
        await scenario.WaitForSlotActiveAsync(host);
        await scenario.ExecuteAsync("INSERT INTO orders VALUES (1, 7)");
        await scenario.WaitForMessagesAsync(1, host);
        Assert.Equal(0, await host.StopAsync());

        Assert.Equal(7, (int)StdoutSinkOutput.Read(scenario.OutputPath)[0]["record"]!["customer_id"]!);
        Assert.DoesNotContain("group_column_names", host.Output, StringComparison.Ordinal);
    }
}
