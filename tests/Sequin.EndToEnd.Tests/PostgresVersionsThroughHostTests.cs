using System.Diagnostics;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// The real host on every supported PostgreSQL major (14 to 18): changes reach the stdout sink, and a fast stop of the server while the host
/// is connected (idle, after writes it is sent nothing for) completes at once; the host reconnects and goes on.
/// </summary>
public sealed class PostgresVersionsThroughHostTests
{
    public static TheoryData<PostgresVersion> Versions => [.. PostgresServer.AllVersions];

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task TheHostDeliversAndAFastServerStopDoesNotWaitForIt(PostgresVersion version)
    {
        await using var server = await PostgresServer.StartAsync(version);
        await using var scenario = await StdoutScenario.CreateAsync(server, "versions");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, name text); CREATE SCHEMA outside; CREATE TABLE outside.u (id int)");
        await using var host = SequinHostProcess.Start(scenario.WriteConfig("actions: [insert, update, delete]"));
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
        await scenario.ExecuteAsync("UPDATE t SET name = 'c' WHERE id = 1");
        await scenario.ExecuteAsync("DELETE FROM t WHERE id = 2");
        await scenario.WaitForMessagesAsync(4, host);
        var messages = StdoutSinkOutput.Read(scenario.OutputPath);
        // Commit order per row (rows are delivered in parallel).
        Assert.Equal(["insert", "update"], messages.Where(m => (int)m["record"]!["id"]! == 1).Select(m => (string)m["action"]!));
        Assert.Equal(["insert", "delete"], messages.Where(m => (int)m["record"]!["id"]! == 2).Select(m => (string)m["action"]!));
        Assert.Equal("c", (string?)messages.Single(m => (string)m["action"]! == "update")["record"]!["name"]);

        // Idle, after WAL that sends the host nothing: the walsender's fast shutdown must not wait for it.
        await scenario.ExecuteAsync("INSERT INTO outside.u VALUES (1)");
        var end = await scenario.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");
        await Eventually.UntilAsync(
            async () => await scenario.ScalarAsync<bool>($"SELECT coalesce(bool_or(sent_lsn >= '{end}'::pg_lsn), false) FROM pg_stat_replication"),
            () => "the walsender sent past the unpublished write");
        var clock = Stopwatch.StartNew();
        await server.StopAsync("fast", TimeSpan.FromSeconds(30));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the fast stop took {clock.Elapsed.TotalSeconds:0.0} s");

        await server.StartAgainAsync();
        await scenario.WaitForSlotActiveAsync(host);
        await scenario.ExecuteAsync("INSERT INTO t VALUES (3, 'after the restart')");
        await scenario.WaitForMessagesAsync(5, host);
        Assert.Equal(0, await host.StopAsync());
    }
}
