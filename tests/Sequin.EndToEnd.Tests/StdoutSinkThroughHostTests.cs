using System.Text.Json.Nodes;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>The real host process streams a real PostgreSQL's changes to the stdout sink loaded from the plugins folder.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class StdoutSinkThroughHostTests(PostgresFixture postgres)
{
    [Fact]
    public async Task HostStreamsInsertsToThePluginAndAcknowledgesThemOnStop()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "smoke");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, name text)");
        await using var host = SequinHostProcess.Start(scenario.WriteConfig());
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
        await scenario.WaitForMessagesAsync(2, host);
        var lastCommit = StdoutSinkOutput.Read(scenario.OutputPath).Max(m => (ulong)m["metadata"]!["commit_lsn"]!);

        Assert.Equal(0, await host.StopAsync());
        Assert.Contains("Loaded sink plugin stdout", host.Output, StringComparison.Ordinal);
        var messages = StdoutSinkOutput.Read(scenario.OutputPath);
        Assert.Equal([1, 2], messages.Select(m => (int)m["record"]!["id"]!).Order());
        Assert.All(messages, m => Assert.Equal("insert", (string?)m["action"]));
        Assert.True(await scenario.ConfirmedFlushAsync() > lastCommit, "the slot is acknowledged past the delivered commit");
    }
}
