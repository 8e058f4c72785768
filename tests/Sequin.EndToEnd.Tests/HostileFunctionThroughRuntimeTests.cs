using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 29: a hostile routing function costs at most its own messages. With the runtime in-process against a real
/// PostgreSQL, two sinks read the same database; the first sink's routing function attacks the sandbox on two rows
/// (<c>Atomics.wait</c>, which on main hung the partition for good and with it every sink of the database, and
/// <c>String()</c> of arrays nested 30,000 deep, which took seconds of native recursion). Those two rows fail and are
/// parked; every other row reaches the first sink, and every row reaches the second.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class HostileFunctionThroughRuntimeTests(PostgresFixture postgres)
{
    private const int Rows = 200;

    private const string Functions = """
          - name: hostile
            type: routing
            sink_type: recording
            code: |-
              function route(action, record, changes, metadata) {
                if (record.id === 13) {
                  const ia = new Int32Array(new SharedArrayBuffer(16));
                  Atomics.wait(ia, 0, 0);
                }
                if (record.id === 14) {
                  let a = [];
                  for (let i = 0; i < 2000; i++) { a = [[[[[[[[[[[[[[[a]]]]]]]]]]]]]]]; }
                  String(a);
                }
                return {};
              }
        """;

    [Fact]
    public async Task AHostileRoutingFunctionFailsOnlyItsOwnRowsWhileASecondSinkOfTheDatabaseReceivesEverything()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "hostile");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v int)");
        var config = scenario.WriteConfig("routing: hostile\npark_after_failures: 2\nactions: [insert]", "recording", functions: Functions);
        await File.AppendAllTextAsync(config, "  - name: second\n    database: db\n    actions: [insert]\n    destination:\n      type: recording-second\n");
        var hostile = new RecordingSinkPlugin();
        var second = new RecordingSinkPlugin { TypeName = "recording-second" };
        await using var runtime = InProcessRuntime.Start(
            config,
            [hostile, second],
            s => s with { RetryBaseDelay = TimeSpan.FromMilliseconds(100), RetryMaxDelay = TimeSpan.FromMilliseconds(400) });
        await runtime.WaitForConsumersAsync();
        await scenario.WaitForSlotActiveAsync();

        await scenario.ExecuteAsync($"INSERT INTO t SELECT g, 0 FROM generate_series(1, {Rows}) g");
        var end = (ulong)await scenario.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");

        await Eventually.UntilAsync(
            () => second.Delivered.Count() == Rows,
            () => $"every row at the second sink (have {second.Delivered.Count()})");
        await Eventually.UntilAsync(
            () => hostile.Delivered.Count() == Rows - 2,
            () => $"every row but the two attacking ones at the first sink (have {hostile.Delivered.Count()})");
        await Eventually.UntilAsync(
            async () => await scenario.ScalarAsync<long>("SELECT count(*) FROM sequin_state.parked_messages WHERE sink = 'to-file'") == 2,
            () => "the two attacking rows are parked");
        await Eventually.UntilAsync(
            async () => await scenario.ConfirmedFlushAsync() >= end,
            () => "confirmed_flush_lsn passes the attacking rows");

        Assert.Equal(Enumerable.Range(1, Rows), second.Delivered.Select(a => a.Id).Order());
        Assert.Equal(Enumerable.Range(1, Rows).Where(id => id is not (13 or 14)), hostile.Delivered.Select(a => a.Id).Order());
        Assert.Contains(runtime.Logs.Entries, e => e.Message.Contains("ReferenceError: SharedArrayBuffer is not defined", StringComparison.Ordinal));
        Assert.Contains(runtime.Logs.Entries, e => e.Message.Contains("nested more than 32 levels deep", StringComparison.Ordinal));
        Assert.False(runtime.Completion.IsCompleted);
    }
}
