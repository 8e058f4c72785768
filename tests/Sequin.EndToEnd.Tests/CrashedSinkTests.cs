using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 10: a sink whose worker partition loop throws must not stall silently. The runtime watches every consumer; a
/// crashed one is logged as an error naming the sink, and the runtime stops with that failure (the host then exits
/// non-zero), leaving the undelivered changes unacknowledged.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CrashedSinkTests(PostgresFixture postgres)
{
    [Fact]
    public async Task APartitionLoopThatThrowsStopsTheRuntimeWithAnErrorNamingTheSinkInsteadOfStalling()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "crashsink");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v int)");
        var sink = new RecordingSinkPlugin
        {
            BatchSize = 1,

            // A plugin bug: a null batch key for row 3 makes the partition's batching throw (outside any message's try).
            BatchKeyOf = m => IdOf(m.Payload) == 3 ? null! : "all",
        };
        await using var runtime = InProcessRuntime.Start(scenario.WriteConfig("", "recording"), [sink]);
        await runtime.WaitForConsumersAsync();
        await scenario.WaitForSlotActiveAsync();
        var confirmedBefore = await scenario.ConfirmedFlushAsync();

        await scenario.ExecuteAsync("INSERT INTO t SELECT g, 0 FROM generate_series(1, 5) g");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.Completion.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Sink 'to-file' stopped", failure.Message, StringComparison.Ordinal);
        Assert.Contains("ArgumentNullException", failure.Message, StringComparison.Ordinal);
        Assert.Contains(runtime.Logs.Entries, e => e.EventId.Id == 1310 && e.Level == LogLevel.Error && e.Message.Contains("to-file", StringComparison.Ordinal));

        // Row 3 was never delivered, so the slot did not move past its transaction.
        Assert.DoesNotContain(sink.Delivered, a => a.Id == 3);
        var insertLsn = await scenario.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");
        Assert.True(await scenario.ConfirmedFlushAsync() < (ulong)insertLsn, "the slot was acknowledged past an undelivered change");
        Assert.True(await scenario.ConfirmedFlushAsync() >= confirmedBefore);
    }

    private static int IdOf(ReadOnlyMemory<byte> payload)
    {
        using var json = JsonDocument.Parse(payload);
        return json.RootElement.GetProperty("record").GetProperty("id").GetInt32();
    }
}
